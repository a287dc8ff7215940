/**
 * Sessionisation of out-of-order clicks in event time: clicks per user arrive up to 2 s out of
 * order, a user's clicks less than 3 s apart form one session (30 minutes in real life, scaled
 * down), and the rare click that arrives minutes late goes to a side output instead of being lost.
 * `npm run example:sessions` runs it through examples/sessions.ts with exactly-once checkpoints
 * and an injected failure, and checks the result.
 */
import { writeFileSync } from 'node:fs';
import { defineJob, EventTimeSessionWindows, OutputTag, WatermarkStrategy } from '../src/index.ts';

/** Arguments of the job. */
export interface SessionsArgs {
  readonly clicks: number;
  readonly ratePerSecond?: number;
  /** Throws once at this click (the marker file records that it fired, as in clickstream.job.ts). */
  readonly failAt?: number;
  readonly failOnceMarker?: string;
}

export interface Click {
  readonly user: string;
  readonly page: string;
  readonly n: number;
  readonly ts: number;
}

export interface Session {
  readonly user: string;
  readonly start: number;
  readonly end: number;
  readonly clicks: number;
  /** Sum of the clicks' numbers: a checksum of which clicks the session holds. */
  readonly checksum: number;
}

export const USERS = 40;
export const GAP_MS = 3000;
export const OUT_OF_ORDER_MS = 2000;
export const late = new OutputTag<Click>('late-clicks');

/**
 * Click n: users take turns every 10 ms of event time, with a 60 s pause after every 2000 clicks
 * (sessions end there), up to 2 s out of order; every 997th click is 5 minutes late.
 */
export function clickOf(n: number): Click {
  const delay = (n * 7919) % OUT_OF_ORDER_MS;
  const veryLate = n > 3000 && n % 997 === 0 ? 300_000 : 0;
  return {
    user: `user-${(n * 13) % USERS}`,
    page: `/p/${n % 17}`,
    n,
    ts: 1_700_000_000_000 + n * 10 + Math.floor(n / 2000) * 60_000 - delay - veryLate,
  };
}

function injectFailure(n: number, args: SessionsArgs): void {
  if (args.failAt !== n || args.failOnceMarker === undefined) return;
  try {
    writeFileSync(args.failOnceMarker, String(n), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  throw new Error(`injected failure at click ${n}`);
}

export default defineJob<SessionsArgs>((env, args) => {
  const sessions = env
    .fromGenerator(clickOf, {
      count: args.clicks,
      ...(args.ratePerSecond ? { ratePerSecond: args.ratePerSecond } : {}),
    })
    .uid('clicks')
    .map((click: Click) => {
      injectFailure(click.n, args);
      return click;
    })
    .uid('check')
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forBoundedOutOfOrderness<Click>(OUT_OF_ORDER_MS).withTimestampAssigner((c) => c.ts),
    )
    .uid('timestamps')
    .keyBy('user')
    .window(EventTimeSessionWindows.withGap(GAP_MS))
    .sideOutputLateData(late)
    .aggregate(
      {
        createAccumulator: () => ({ clicks: 0, checksum: 0 }),
        add: (c: Click, acc: { clicks: number; checksum: number }) => ({
          clicks: acc.clicks + 1,
          checksum: acc.checksum + c.n,
        }),
        getResult: (acc: { clicks: number; checksum: number }) => acc,
        merge: (a, b) => ({ clicks: a.clicks + b.clicks, checksum: a.checksum + b.checksum }),
      },
      (user, ctx, [acc], out) =>
        out.collect({
          user: String(user),
          start: ctx.window.start,
          end: ctx.window.end,
          ...acc!,
        } satisfies Session),
    )
    .uid('sessionise');
  sessions.collect({ uid: 'sessions' });
  sessions.getSideOutput(late).collect({ uid: 'late' });
});
