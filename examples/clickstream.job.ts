/**
 * The main example job: a CPU-heavy pipeline in weir's spirit. A generator emits click events as
 * JSON lines; each is parsed, enriched (tokenised, scored against a small sentiment lexicon,
 * fingerprinted), and aggregated per country. Runs at the machine's parallelism. `npm start` runs
 * it through examples/main.ts with checkpoints and an injected failure; it also runs alone:
 *
 *   node bin/weir.mjs run examples/clickstream.job.ts --args '{"events": 10000000}'
 */
import { writeFileSync } from 'node:fs';
import { defineJob } from '../src/index.ts';

/** Arguments of the job. */
export interface ClickstreamArgs {
  /** Number of events to generate. */
  readonly events?: number;
  /** Events per second over all sources (unlimited when omitted). */
  readonly ratePerSecond?: number;
  /**
   * Inject one failure: the enrich step throws at this event, once. `failOnceMarker` is a file
   * created atomically when the failure fires, so restarted attempts do not fail again: they run in
   * the same threads, but the event may reach another one, with module variables of its own.
   */
  readonly failAt?: number;
  readonly failOnceMarker?: string;
}

/** Throws at `failAt` the first time any thread gets there (the marker file says it happened). */
function injectFailure(id: number, args: ClickstreamArgs | undefined): void {
  if (args?.failAt !== id || args.failOnceMarker === undefined) return;
  try {
    writeFileSync(args.failOnceMarker, String(id), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return; // fired before
    throw error;
  }
  throw new Error(`injected failure at event ${id}`);
}

const COUNTRIES = ['NL', 'DE', 'FR', 'BE', 'US', 'BR', 'JP', 'IN', 'KE', 'AU'] as const;
const WORDS = [
  'great',
  'slow',
  'love',
  'broken',
  'fast',
  'cheap',
  'awful',
  'nice',
  'refund',
  'thanks',
  'product',
  'page',
  'order',
  'again',
];
const LEXICON = new Map<string, number>([
  ['great', 2],
  ['love', 3],
  ['fast', 1],
  ['nice', 1],
  ['thanks', 1],
  ['slow', -1],
  ['broken', -2],
  ['awful', -3],
  ['refund', -1],
]);

/** A deterministic event line for event number n (the same in every thread and every run). */
export function eventLine(n: number): string {
  let x = (n * 2654435761) >>> 0;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const words: string[] = [];
  const length = 8 + Math.floor(next() * 24);
  for (let i = 0; i < length; i++) words.push(WORDS[Math.floor(next() * WORDS.length)]!);
  return JSON.stringify({
    id: n,
    user: `user-${Math.floor(next() * 50_000)}`,
    country: COUNTRIES[Math.floor(next() * COUNTRIES.length)],
    amount: Math.round(next() * 10_000) / 100,
    text: words.join(' '),
  });
}

interface Click {
  readonly id: number;
  readonly user: string;
  readonly country: string;
  readonly amount: number;
  readonly text: string;
}

/** Per-country aggregate. */
export interface CountryStats {
  readonly country: string;
  readonly events: number;
  readonly amount: number;
  readonly sentiment: number;
  readonly fingerprint: number;
}

/** Tokenises, scores and fingerprints a click (the CPU-heavy part). */
export function enrich(click: Click): CountryStats {
  let sentiment = 0;
  let fingerprint = 0x811c9dc5;
  for (const token of click.text.toLowerCase().split(' ')) {
    sentiment += LEXICON.get(token) ?? 0;
    for (let i = 0; i < token.length; i++)
      fingerprint = Math.imul(fingerprint ^ token.charCodeAt(i), 0x01000193);
  }
  return {
    country: click.country,
    events: 1,
    amount: click.amount,
    sentiment,
    fingerprint: fingerprint >>> 0,
  };
}

export default defineJob<ClickstreamArgs | undefined>(
  (env, args) => {
    env
      .fromGenerator(eventLine, {
        count: args?.events ?? 1_000_000,
        ...(args?.ratePerSecond === undefined ? {} : { ratePerSecond: args.ratePerSecond }),
      })
      .name('events')
      .uid('events')
      .map((line) => JSON.parse(line) as Click)
      .name('parse')
      .uid('parse')
      .map((click) => {
        injectFailure(click.id, args);
        return enrich(click);
      })
      .name('enrich')
      .uid('enrich')
      .keyBy('country')
      .reduce((a, b) => ({
        country: a.country,
        events: a.events + b.events,
        amount: Math.round((a.amount + b.amount) * 100) / 100,
        sentiment: a.sentiment + b.sentiment,
        fingerprint: (a.fingerprint ^ b.fingerprint) >>> 0,
      }))
      .name('per-country')
      .uid('per-country')
      .collect({ uid: 'countries', name: 'countries' });
  },
  { runtimeMode: 'batch' },
);
