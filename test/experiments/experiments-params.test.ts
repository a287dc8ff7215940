// Parameters from flags and JSON files (validated, errors naming the parameter) and the plans the
// experiments declare from them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configId } from '../../bench/experiments/config.ts';
import {
  ALIGNMENT,
  BACKPRESSURE,
  EXPERIMENTS,
  INTERVAL_SWEEP,
  LATENCY,
} from '../../bench/experiments/experiments.ts';
import { PARAM_NAMES, readParams, unknownFlags } from '../../bench/experiments/params.ts';
import { experimentNamed } from '../../bench/experiments/runner.ts';
import { parseArgs } from '../../bench/support/args.ts';
import { InvalidOptionError } from '../../src/index.ts';

const argsOf = (...argv: string[]) => parseArgs(['alignment', ...argv]).args;

describe('experiment parameters', () => {
  it('takes lists and numbers from flags over the defaults', () => {
    const p = readParams(
      ALIGNMENT.full,
      argsOf('--intervals-ms=50,200', '--repeats', '3', '--skews', 'none,hot-key', '--node-peer=true'),
    );
    expect(p.intervalsMs).toEqual([50, 200]);
    expect(p.repeats).toBe(3);
    expect(p.skews).toEqual(['none', 'hot-key']);
    expect(p.nodePeer).toBe(true);
    expect(p.parallelisms).toEqual(ALIGNMENT.full.parallelisms);
  });

  it('takes a JSON file, overridden by flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-params-'));
    try {
      const file = join(dir, 'p.json');
      writeFileSync(
        file,
        JSON.stringify({ intervalsMs: [100], windowMs: 2000, modes: ['off', 'exactly-once'] }),
      );
      const p = readParams(ALIGNMENT.full, argsOf('--params', file, '--window-ms', '3000'));
      expect(p.intervalsMs).toEqual([100]);
      expect(p.modes).toEqual(['off', 'exactly-once']);
      expect(p.windowMs).toBe(3000);
      writeFileSync(file, JSON.stringify({ intervals: [100] }));
      expect(() => readParams(ALIGNMENT.full, argsOf('--params', file))).toThrow(
        /--params intervals must be one of/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad values with a typed error naming the parameter', () => {
    const bad = [
      ['--modes=off,sometimes', /modes must be a non-empty list of off, exactly-once, at-least-once/],
      ['--intervals-ms=5', /intervalsMs must be intervals of at least 10 ms/],
      ['--loads=0.5,1.5', /loads must be shares in \(0, 1\]/],
      ['--parallelisms=0', /parallelisms must be positive integers/],
      ['--repeats=x', /repeats must be non-negative numbers/],
      ['--node-peer=maybe', /nodePeer must be true or false/],
    ] as const;
    for (const [flag, message] of bad) {
      let error: unknown;
      try {
        readParams(ALIGNMENT.full, argsOf(flag));
      } catch (e) {
        error = e;
      }
      expect(error, flag).toBeInstanceOf(InvalidOptionError);
      expect((error as Error).message, flag).toMatch(message);
    }
  });

  it('reports unknown flags and unknown experiments', () => {
    expect(unknownFlags(argsOf('--interval=5', '--quick', '--out', 'x'))).toEqual(['interval']);
    expect(() => experimentNamed('alignmnet')).toThrow(
      /experiment must be one of alignment, latency, interval-sweep/,
    );
  });
});

describe('experiment plans', () => {
  it('declares a reason for every parameter an experiment uses, and every value is a parameter', () => {
    for (const experiment of Object.values(EXPERIMENTS)) {
      for (const name of Object.keys(experiment.reasons)) expect(PARAM_NAMES).toContain(name);
      expect(Object.keys(experiment.reasons).length).toBeGreaterThan(8);
    }
  });

  it('alignment varies one dimension at a time around the base point, each configuration once', () => {
    const steps = ALIGNMENT.plan(ALIGNMENT.full);
    const ids = steps.map((s) => configId(s.config));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('off p2 in2 saturation');
    expect(ids).toContain('exactly-once@50ms p2 in2 saturation');
    expect(ids).toContain('at-least-once@1000ms p4 in2 saturation');
    expect(ids).toContain('exactly-once@1000ms p2 in4 saturation');
    expect(ids).toContain('exactly-once@1000ms p2 in2 hot-key saturation');
    expect(ids).toContain('off p2 in2 slow-input saturation');
    expect(steps.every((s) => s.config.load === null && s.saturationOf === undefined)).toBe(true);
    // 5 interval configurations, then 2 new per parallelism, channel count and skew level.
    expect(steps).toHaveLength(5 + 6 + 6 + 6);
  });

  it('latency offers loads derived from the saturation of every mode compared, to every peer', () => {
    const steps = LATENCY.plan(LATENCY.full);
    const loadSteps = steps.filter((s) => s.config.load !== null);
    // Normal sink: 3 loads × (3 modes + the Node.js peer); slow sink: 3 loads × (3 modes with
    // debloating on and off + the peer).
    expect(loadSteps).toHaveLength(3 * 4 + 3 * 7);
    expect(
      loadSteps.filter((s) => s.config.inFlightTargetMs === false).every((s) => s.config.sinkDelayMicros > 0),
    ).toBe(true);
    for (const step of loadSteps) {
      expect(step.saturationOf).toHaveLength(3);
      const index = steps.indexOf(step);
      for (const id of step.saturationOf!) {
        const saturation = steps.findIndex((s) => configId(s.config) === id);
        expect(saturation).toBeGreaterThanOrEqual(0);
        expect(saturation).toBeLessThan(index);
      }
    }
    expect(steps.filter((s) => s.config.peer === 'node-stream')).toHaveLength(8);
  });

  it('backpressure runs every barrier kind with debloating on and off, all at saturation', () => {
    const steps = BACKPRESSURE.plan(BACKPRESSURE.full);
    expect(steps).toHaveLength(3 * 2);
    expect(steps.every((s) => s.config.load === null && s.config.sinkDelayMicros === 50)).toBe(true);
    expect(steps.map((s) => configId(s.config))).toContain(
      'exactly-once@500ms p2 in2 sink50us unaligned no-debloat saturation',
    );
    expect(steps.map((s) => configId(s.config))).toContain('exactly-once@500ms p2 in2 sink50us saturation');
  });

  it('interval sweep runs both modes at every interval and one peer without checkpoints', () => {
    const steps = INTERVAL_SWEEP.plan(INTERVAL_SWEEP.full);
    expect(steps).toHaveLength(1 + 2 * INTERVAL_SWEEP.full.intervalsMs.length);
    expect(steps.filter((s) => s.config.mode === 'off')).toHaveLength(1);
    expect(INTERVAL_SWEEP.full.intervalsMs[0]).toBe(50);
    expect(INTERVAL_SWEEP.full.intervalsMs.at(-1)).toBe(10_000);
  });
});
