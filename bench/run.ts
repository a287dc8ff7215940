/**
 * Benchmark dispatcher: `node --import tsx bench/run.ts <subject> [--quick] [--json] [flags]` runs
 * `bench/<subject>.bench.ts` (which exports `run(args)`); without a subject it lists them.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './support/args.ts';
import type { BenchSubject } from './support/subject.ts';

const SUFFIX = '.bench.ts';
const benchDir = new URL('./', import.meta.url);

async function listSubjects(): Promise<string[]> {
  const files = await readdir(fileURLToPath(benchDir));
  return files
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .sort();
}

async function loadSubject(name: string): Promise<BenchSubject> {
  const mod = (await import(new URL(`${name}${SUFFIX}`, benchDir).href)) as Partial<BenchSubject>;
  if (typeof mod.run !== 'function') throw new Error(`bench/${name}${SUFFIX} does not export run(args)`);
  return mod as BenchSubject;
}

const usage = 'usage: npm run bench -- <subject> [--quick] [--json] [flags]';

async function main(): Promise<void> {
  const { subject, args } = parseArgs(process.argv.slice(2));
  const subjects = await listSubjects();
  if (subject === undefined) {
    console.log(`${usage}\n\nsubjects:`);
    for (const name of subjects) {
      const description = await loadSubject(name).then(
        (subject) => subject.description ?? '',
        (error: unknown) => `(does not load: ${error instanceof Error ? error.message : String(error)})`,
      );
      console.log(`  ${name.padEnd(12)} ${description}`.trimEnd());
    }
    return;
  }
  if (!subjects.includes(subject)) {
    console.error(`unknown benchmark subject '${subject}'; available: ${subjects.join(', ') || '(none)'}`);
    console.error(usage);
    process.exitCode = 2;
    return;
  }
  await (await loadSubject(subject)).run(args);
}

await main();
