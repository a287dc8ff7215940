// Redis streams read by the Redis Streams source and either collected or copied into another
// stream by the Redis Streams sink, with failures injected at chosen entries (an exception in the
// map, or the sink's worker exiting); each failure fires once (a shared flag per failure).
import { defineJob, type RedisStreamEntry } from '../../../../src/index.ts';

export interface RedisCopyArgs {
  readonly streams: readonly string[];
  /** Bounded read (`true`: up to the ids current when first read). */
  readonly bounded: boolean;
  /** Copy into this stream (else collect under uid `out`). */
  readonly target?: string;
  readonly markerPrefix?: string;
  readonly guarantee?: 'exactly-once' | 'at-least-once';
  /** Field `n` values at which the map throws, and at which the sink's worker exits. */
  readonly throwAt: readonly number[];
  readonly exitAt: readonly number[];
  /** One Int32 flag per failure (throwAt then exitAt). */
  readonly fired: SharedArrayBuffer;
  /** Microseconds of CPU per record, so that checkpoints fall mid-input. */
  readonly busyMicros?: number;
  /** A consumer group the source sets to its positions as checkpoints complete. */
  readonly consumerGroup?: string;
}

export interface Copied {
  readonly stream: string;
  readonly n: number;
}

export default defineJob<RedisCopyArgs>((env, args) => {
  const fired = new Int32Array(args.fired);
  const fireOnce = (index: number): boolean => Atomics.compareExchange(fired, index, 0, 1) === 0;
  const copied = env
    .fromRedisStream({
      streams: args.streams,
      bounded: args.bounded,
      ...(args.consumerGroup !== undefined ? { consumerGroup: args.consumerGroup } : {}),
    })
    .uid('entries')
    .map((entry: RedisStreamEntry): Copied => {
      const until = performance.now() + (args.busyMicros ?? 0) / 1000;
      while (performance.now() < until);
      const n = Number(entry.fields['n']);
      const i = args.throwAt.indexOf(n);
      if (i >= 0 && fireOnce(i)) throw new Error(`injected failure at entry ${n}`);
      return { stream: entry.stream, n };
    })
    .uid('tag');
  if (args.target === undefined) {
    copied.collect({ uid: 'out' });
    return;
  }
  copied
    .sinkToRedisStream({
      stream: args.target,
      guarantee: args.guarantee ?? 'exactly-once',
      ...(args.markerPrefix !== undefined ? { markerPrefix: args.markerPrefix } : {}),
      fields: (record: Copied) => {
        const i = args.exitAt.indexOf(record.n);
        if (i >= 0 && fireOnce(args.throwAt.length + i)) process.exit(3);
        return { from: record.stream, n: record.n };
      },
    })
    .uid('copy');
});
