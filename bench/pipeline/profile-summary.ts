/**
 * Where a weir job's time goes: reads the `.cpuprofile` files that `node --cpu-prof
 * --cpu-prof-dir=DIR` writes (one per thread, workers included) and prints, per busy thread, its
 * sampled time split into buckets by the source file and function the samples fell in.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/weir-prof --import tsx bench/run.ts pipeline \
 *     --variants=weir-p2 --skip-trivial --lines 200000 --rounds 1
 *   node --import tsx bench/pipeline/profile-summary.ts /tmp/weir-prof
 *
 * Self time is sampled wall time of a thread while it is on a CPU or preempted, so on a busy
 * machine a function that wakes another thread (Atomics.notify) collects the preemption too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Buckets, first match wins; the pattern is tested on `function file-path:line`. */
const BUCKETS: ReadonlyArray<readonly [string, RegExp]> = [
  ['idle', /^\(idle\)/],
  ['garbage collection', /^\(garbage collector\)/],
  ['source: the in-job generator (whole-process lineAt)', /lineAt|generateLines|lineCollection/],
  ['user code: JSON.parse', /parsePost|^parse :0/],
  ['user code: tokenise', /tokenise|RegExp/],
  ['user code: job functions', /\.job\.[jt]s/],
  ['source: read and decode lines', /text-file-source|sequence-source|utf8Slice|^read :0/],
  ['exchange: decode (msgpackr)', /unpack\.js|\(anon\) :3$/],
  ['exchange: encode', /flat-record-encoder|record-codec|msgpackr\/pack\.js|channel-writer/],
  ['key encoding + murmur3 (partitioner, state)', /key-encoding|murmur3|key-groups/],
  ['exchange: partitioner', /task-output/],
  ['exchange: ring, park, wake', /ring-buffer|park\.[jt]s|doorbell|input-gate/],
  ['keyed state access', /state\/heap\/|key-context/],
  ['sum (reduce function)', /keyed-stream/],
  ['operator chain and task loop', /operator-chain|operators\/|task-runner|sinks\//],
  ['start-up: module loading (and tsx, esbuild)', /esm\/|cjs\/|tsx\/|esbuild|register-|bootstrap\/|lexer/],
];
const OTHER = 'other';

function bucketOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anon)'} ${url.split('/').slice(-3).join('/')}:${lineNumber + 1}`;
  return BUCKETS.find(([, pattern]) => pattern.test(key))?.[0] ?? OTHER;
}

/** Sampled µs per bucket of one profile. */
function summarise(profile: CpuProfile): Map<string, number> {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const buckets = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    if (!node) return;
    const bucket = bucketOf(node);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return buckets;
}

function report(dir: string, minBusySeconds: number): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort();
  for (const file of files) {
    const buckets = summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
    const total = [...buckets.values()].reduce((a, b) => a + b, 0);
    const busy = total - (buckets.get('idle') ?? 0);
    if (busy < minBusySeconds * 1e6) continue;
    console.log(`\n${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s not idle`);
    for (const [bucket, us] of [...buckets].sort((a, b) => b[1] - a[1])) {
      if (us < total / 200) continue;
      console.log(
        `  ${bucket.padEnd(46)} ${(us / 1e6).toFixed(2).padStart(6)} s ${((100 * us) / total).toFixed(1).padStart(5)} %`,
      );
    }
  }
}

const [dir, minBusy] = process.argv.slice(2);
if (dir === undefined) {
  console.error(
    'usage: node --import tsx bench/pipeline/profile-summary.ts <cpu-prof-dir> [min busy seconds]',
  );
  process.exitCode = 2;
} else {
  report(dir, Number(minBusy ?? 1));
}
