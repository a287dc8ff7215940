// Messages of JetStream subjects (payload: the number n) read by the JetStream source and copied
// into a Redis stream or a JetStream subject by the exactly-once sinks, or collected; failures are
// injected at chosen messages (an exception in the map; the sink's worker exiting), each once.
import { defineJob, type JetStreamMessage } from '../../../../src/index.ts';
import { REDIS_URL } from '../../../support/servers.ts';

export interface NatsCopyArgs {
  readonly stream: string;
  readonly subjects: readonly string[];
  readonly bounded: boolean;
  /** Copy into this Redis stream, or this JetStream subject; else collect under uid `out`. */
  readonly redisTarget?: string;
  readonly natsTarget?: string;
  readonly markerPrefix?: string;
  readonly throwAt: readonly number[];
  readonly exitAt: readonly number[];
  readonly fired: SharedArrayBuffer;
  readonly busyMicros?: number;
}

export default defineJob<NatsCopyArgs>((env, args) => {
  const fired = new Int32Array(args.fired);
  const fireOnce = (index: number): boolean => Atomics.compareExchange(fired, index, 0, 1) === 0;
  const exitAt = (n: number): void => {
    const i = args.exitAt.indexOf(n);
    if (i >= 0 && fireOnce(args.throwAt.length + i)) process.exit(3);
  };
  const numbers = env
    .fromJetStream({ stream: args.stream, subjects: args.subjects, bounded: args.bounded })
    .uid('messages')
    .map((message: JetStreamMessage) => {
      const until = performance.now() + (args.busyMicros ?? 0) / 1000;
      while (performance.now() < until);
      const n = Number(message.data);
      const i = args.throwAt.indexOf(n);
      if (i >= 0 && fireOnce(i)) throw new Error(`injected failure at message ${n}`);
      return { subject: message.subject, n };
    })
    .uid('parse');
  if (args.redisTarget !== undefined) {
    numbers
      .sinkToRedisStream({
        url: REDIS_URL,
        stream: args.redisTarget,
        ...(args.markerPrefix !== undefined ? { markerPrefix: args.markerPrefix } : {}),
        fields: (r: { subject: string; n: number }) => {
          exitAt(r.n);
          return { from: r.subject, n: r.n };
        },
      })
      .uid('to-redis');
  } else if (args.natsTarget !== undefined) {
    numbers
      .sinkToJetStream({
        subject: args.natsTarget,
        data: (r: { n: number }) => {
          exitAt(r.n);
          return String(r.n);
        },
      })
      .uid('to-nats');
  } else {
    numbers.collect({ uid: 'out' });
  }
});
