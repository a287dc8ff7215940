// The smoke mode of every experiment, as CI runs it: `weir bench <experiment> --quick` (and the
// `npm run bench` path for one of them) runs real multi-worker jobs, shows its progress, and writes
// a result JSON whose trials carry records, latency histograms and figures, and the report.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { configId } from '../../bench/experiments/config.ts';
import { EXPERIMENTS, type ExperimentName } from '../../bench/experiments/experiments.ts';
import { readResult } from '../../bench/experiments/result-file.ts';
import { LatencyHistogram } from '../../src/index.ts';
import { type ProcessRun, runProcess } from '../support/process.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'weir-experiments-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function run(argv: string[]): Promise<ProcessRun> {
  return runProcess(process.execPath, argv, { cwd: root });
}

async function smoke(name: ExperimentName, argv: string[]): Promise<void> {
  const dir = join(out, name);
  const result = await run([...argv, '--quick', '--out', dir]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const planned = EXPERIMENTS[name].plan(EXPERIMENTS[name].quick);
  expect(result.stdout).toContain(`weir experiment '${name}' (quick)`);
  expect(result.stdout).toContain(`[${planned.length}/${planned.length}]`);
  const file = readdirSync(dir).find((f) => f.endsWith('.json'));
  expect(file).toBeDefined();
  const parsed = readResult(join(dir, file!));
  expect(parsed.quick).toBe(true);
  expect(parsed.node).toBe(process.version);
  expect(parsed.trials.map((t) => t.id)).toEqual(planned.map((s) => configId(s.config)));
  for (const trial of parsed.trials) {
    expect(trial.throughput.records, trial.id).toBeGreaterThan(0);
    const histogram = LatencyHistogram.decode(trial.latency.endToEnd.encoded);
    expect(histogram.count, trial.id).toBeGreaterThan(0);
    expect(trial.latency.endToEnd.summary.count, trial.id).toBe(histogram.count);
    if (trial.config.load !== null) expect(trial.config.offeredRate, trial.id).toBeGreaterThan(0);
  }
  expect(existsSync(join(dir, `${name}.md`))).toBe(true);
  expect(readdirSync(dir).filter((f) => f.endsWith('.svg')).length).toBeGreaterThan(0);
}

describe('experiment smoke runs', () => {
  it('alignment --quick', () => smoke('alignment', ['bin/weir.mjs', 'bench', 'alignment']));
  it('latency --quick', () => smoke('latency', ['bin/weir.mjs', 'bench', 'latency']));
  it('interval-sweep --quick through npm run bench', () =>
    smoke('interval-sweep', ['--import', 'tsx', 'bench/run.ts', 'interval-sweep']));
});
