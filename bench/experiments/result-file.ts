/**
 * The result of one run of one experiment, as written to (and read back from) its JSON file:
 * parameters with their reasons, the machine, Node version, engine commit, load averages, the exact
 * command, and every trial's raw figures with encoded histograms. Reading checks the format and
 * names what is wrong, so that `weir report` never renders a torn or foreign file.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidOptionError } from '../../src/index.ts';
import type { SourceVersion } from '../jobs-support/source-version.ts';
import type { MachineDescription } from '../support/machine.ts';
import { EXPERIMENT_NAMES, type ExperimentName } from './experiments.ts';
import type { DeclaredParam, SuiteParams } from './params.ts';
import type { TrialRecord } from './trial-result.ts';

/** Version tag of the file format. */
export const RESULT_FORMAT = 'weir-experiment/1';

export interface ExperimentResult {
  readonly format: typeof RESULT_FORMAT;
  readonly experiment: ExperimentName;
  readonly title: string;
  readonly question: string;
  readonly quick: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The command line that produced it. */
  readonly command: string;
  readonly machine: MachineDescription;
  readonly node: string;
  readonly engine: SourceVersion | undefined;
  readonly loadAverageAtEnd: readonly number[];
  readonly params: SuiteParams;
  readonly declared: readonly DeclaredParam[];
  readonly trials: readonly TrialRecord[];
}

/** `<dir>/<experiment>-<timestamp>.json`. */
export function resultFileName(result: ExperimentResult): string {
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  return `${result.experiment}${result.quick ? '-quick' : ''}-${stamp}.json`;
}

/** Writes the result into `dir` (created if needed); resolves with the file's path. */
export async function writeResult(dir: string, result: ExperimentResult): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, resultFileName(result));
  await writeFile(file, `${JSON.stringify(result, null, 1)}\n`);
  return file;
}

/** Reads and checks a result file. */
export function readResult(file: string): ExperimentResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidOptionError('result file', `readable JSON (${(error as Error).message})`, file);
  }
  const r = parsed as Partial<ExperimentResult> | null;
  if (r === null || typeof r !== 'object' || r.format !== RESULT_FORMAT)
    throw new InvalidOptionError('result file', `a ${RESULT_FORMAT} result (from weir bench)`, file);
  if (!EXPERIMENT_NAMES.includes(r.experiment as ExperimentName))
    throw new InvalidOptionError(`${file} experiment`, `one of ${EXPERIMENT_NAMES.join(', ')}`, r.experiment);
  if (!Array.isArray(r.trials) || r.params === undefined || r.machine === undefined)
    throw new InvalidOptionError(file, 'a result with params, machine and trials', 'an incomplete file');
  return r as ExperimentResult;
}
