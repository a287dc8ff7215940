/**
 * The committed output of a `weir chaos` run, and how two runs' outputs differ. A run's output is
 * everything its job left in the run's directory, by top-level entry (a file sink's directory or a
 * file a sink appends to), as lines, without hidden and in-progress files (uncommitted); each
 * collect sink's records (batches of one transaction counted once, as the job client does); and
 * the job's standard output (print sinks). Outputs are compared as multisets of lines: parallel
 * subtasks interleave, so order is not part of the contract.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CHAOS_DIR, COLLECTED_FILE, type CollectedLine } from './chaos-protocol.ts';

/** Lines of each output, by name: `file:out`, `collect:counts`, `stdout`. */
export type RunOutput = Map<string, string[]>;

/** How one output of a run differs from the failure-free run's. */
export interface OutputDifference {
  readonly output: string;
  /** Lines the failure-free run has more of (lost). */
  readonly missing: number;
  /** Extra copies of lines the failure-free run has (duplicates). */
  readonly duplicates: number;
  /** Lines the failure-free run never produced. */
  readonly unexpected: number;
  /** The first few of each, for the report. */
  readonly examples: { missing: string[]; duplicates: string[]; unexpected: string[] };
}

const EXAMPLES = 3;

export function readRunOutput(dir: string, stdout: string): RunOutput {
  const output: RunOutput = new Map();
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.')) continue;
    output.set(`file:${entry}`, linesUnder(join(dir, entry)));
  }
  const collected = join(dir, CHAOS_DIR, COLLECTED_FILE);
  if (existsSync(collected)) {
    const transactions = new Set<string>();
    for (const text of readFileSync(collected, 'utf8').split('\n')) {
      if (text === '') continue;
      const line = JSON.parse(text) as CollectedLine;
      if (line.transaction !== undefined) {
        if (transactions.has(line.transaction)) continue;
        transactions.add(line.transaction);
      }
      const lines = output.get(`collect:${line.uid}`) ?? [];
      for (const record of line.records) lines.push(JSON.stringify(record));
      output.set(`collect:${line.uid}`, lines);
    }
  }
  const printed = stdout.split('\n').filter((l) => l !== '');
  if (printed.length > 0) output.set('stdout', printed);
  return output;
}

function linesUnder(path: string): string[] {
  const stat = statSync(path);
  if (stat.isFile())
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  if (!stat.isDirectory()) return [];
  return readdirSync(path)
    .filter((name) => !name.startsWith('.') && !name.endsWith('.inprogress'))
    .flatMap((name) => linesUnder(join(path, name)));
}

/** Every output where `run` differs from `reference` (an output only one of them has included). */
export function compareOutputs(reference: RunOutput, run: RunOutput): OutputDifference[] {
  const differences: OutputDifference[] = [];
  const names = [...new Set([...reference.keys(), ...run.keys()])].sort();
  for (const name of names) {
    const difference = compareLines(name, reference.get(name) ?? [], run.get(name) ?? []);
    if (difference) differences.push(difference);
  }
  return differences;
}

function compareLines(output: string, expected: string[], actual: string[]): OutputDifference | undefined {
  const counts = new Map<string, number>();
  for (const line of expected) counts.set(line, (counts.get(line) ?? 0) + 1);
  const seen = new Map<string, number>();
  const examples = { missing: [] as string[], duplicates: [] as string[], unexpected: [] as string[] };
  let duplicates = 0;
  let unexpected = 0;
  for (const line of actual) {
    const n = (seen.get(line) ?? 0) + 1;
    seen.set(line, n);
    const allowed = counts.get(line) ?? 0;
    if (allowed === 0) {
      unexpected++;
      if (examples.unexpected.length < EXAMPLES) examples.unexpected.push(line);
    } else if (n > allowed) {
      duplicates++;
      if (examples.duplicates.length < EXAMPLES) examples.duplicates.push(line);
    }
  }
  let missing = 0;
  for (const line of expected) {
    const had = seen.get(line) ?? 0;
    const want = counts.get(line)!;
    if (had >= want) continue;
    // Count each missing copy once: walk the expected lines, decrementing what is left to find.
    seen.set(line, had + 1);
    missing++;
    if (examples.missing.length < EXAMPLES) examples.missing.push(line);
  }
  if (missing + duplicates + unexpected === 0) return undefined;
  return { output, missing, duplicates, unexpected, examples };
}
