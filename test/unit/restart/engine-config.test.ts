// The engine's restart configuration comes from WEIR_RESTART_* variables over weir.config.json, with errors naming the source.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type EngineConfigSource, restartEnvVar } from '../../../src/restart/engine-config.ts';
import { EXPONENTIAL_DELAY_DEFAULTS } from '../../../src/restart/exponential-delay.ts';
import { resolveRestartConfig } from '../../../src/restart/resolve-restart-config.ts';

const CWD = '/srv/job';
const FILE = join(CWD, 'weir.config.json');

function engine(env: Record<string, string>, files: Record<string, unknown> = {}): EngineConfigSource {
  return {
    env,
    cwd: CWD,
    readFile: (path) => {
      const content = files[path];
      return content === undefined
        ? undefined
        : typeof content === 'string'
          ? content
          : JSON.stringify(content);
    },
  };
}

function fallback(source: EngineConfigSource, checkpointingEnabled = false) {
  return resolveRestartConfig({ strategy: 'fallback' }, { checkpointingEnabled, engine: source });
}

function messageOf(source: EngineConfigSource): string {
  try {
    fallback(source);
  } catch (e) {
    expect(e).toMatchObject({ code: 'ERR_INVALID_OPTION' });
    return (e as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('engine restart configuration', () => {
  it('names each parameter variable after the parameter', () => {
    expect(restartEnvVar('attempts')).toBe('WEIR_RESTART_ATTEMPTS');
    expect(restartEnvVar('delayMs')).toBe('WEIR_RESTART_DELAY_MS');
    expect(restartEnvVar('failureRateIntervalMs')).toBe('WEIR_RESTART_FAILURE_RATE_INTERVAL_MS');
    expect(restartEnvVar('resetBackoffThresholdMs')).toBe('WEIR_RESTART_RESET_BACKOFF_THRESHOLD_MS');
  });

  describe('from environment variables', () => {
    it('reads the strategy and its parameters, Infinity included', () => {
      const env = {
        WEIR_RESTART_STRATEGY: 'fixed-delay',
        WEIR_RESTART_ATTEMPTS: '3',
        WEIR_RESTART_DELAY_MS: ' 250 ',
      };
      expect(fallback(engine(env))).toEqual({ strategy: 'fixed-delay', attempts: 3, delayMs: 250 });
      const unlimited = { WEIR_RESTART_STRATEGY: 'fixed-delay', WEIR_RESTART_ATTEMPTS: 'Infinity' };
      expect(fallback(engine(unlimited))).toMatchObject({ attempts: Number.POSITIVE_INFINITY });
    });

    it('also applies when the job gives no restart options at all', () => {
      const source = engine({ WEIR_RESTART_STRATEGY: 'none' });
      expect(resolveRestartConfig(undefined, { checkpointingEnabled: true, engine: source })).toEqual({
        strategy: 'none',
      });
    });

    it.each([
      [
        { WEIR_RESTART_STRATEGY: 'fixed-delay', WEIR_RESTART_DELAY_MS: '-1' },
        'WEIR_RESTART_DELAY_MS must be a non-negative number, got -1',
      ],
      [
        { WEIR_RESTART_STRATEGY: 'fixed-delay', WEIR_RESTART_DELAY_MS: 'soon' },
        'WEIR_RESTART_DELAY_MS must be a non-negative number, got "soon"',
      ],
      [
        { WEIR_RESTART_STRATEGY: 'fixed-delay', WEIR_RESTART_DELAY_MS: '' },
        'WEIR_RESTART_DELAY_MS must be a non-negative number, got ""',
      ],
      [
        { WEIR_RESTART_STRATEGY: 'fallback' },
        "WEIR_RESTART_STRATEGY must be one of 'none', 'fixed-delay', 'failure-rate', 'exponential-delay', got \"fallback\"",
      ],
      [
        { WEIR_RESTART_ATTEMPTS: '3' },
        'WEIR_RESTART_ATTEMPTS must be unset unless WEIR_RESTART_STRATEGY or restart.strategy in weir.config.json names a strategy, got 3',
      ],
      [
        { WEIR_RESTART_STRATEGY: 'exponential-delay', WEIR_RESTART_DELAY_MS: '5' },
        "WEIR_RESTART_DELAY_MS must be absent for restart strategy 'exponential-delay' (its parameters are initialBackoffMs, maxBackoffMs, backoffMultiplier, resetBackoffThresholdMs, jitterFactor, attempts), got 5",
      ],
    ])('rejects %o', (env, message) => {
      expect(messageOf(engine(env))).toBe(message);
    });

    it('rejects an unknown WEIR_RESTART_ variable, naming it', () => {
      const message = messageOf(engine({ WEIR_RESTART_STRATEGY: 'fixed-delay', WEIR_RESTART_ATEMPTS: '3' }));
      expect(message).toMatch(
        /^WEIR_RESTART_ATEMPTS must be unset: it is not a weir variable \(known: WEIR_RESTART_STRATEGY, /,
      );
    });
  });

  describe('from weir.config.json', () => {
    it('reads the restart section of the file in the working directory', () => {
      const files = {
        [FILE]: { restart: { strategy: 'failure-rate', maxFailuresPerInterval: 3 }, other: { x: 1 } },
      };
      expect(fallback(engine({}, files))).toEqual({
        strategy: 'failure-rate',
        maxFailuresPerInterval: 3,
        failureRateIntervalMs: 60_000,
        delayMs: 1000,
      });
    });

    it('reads the file named by WEIR_CONFIG instead', () => {
      const files = {
        '/etc/weir.json': { restart: { strategy: 'none' } },
        [FILE]: { restart: { strategy: 'fixed-delay' } },
      };
      expect(fallback(engine({ WEIR_CONFIG: '/etc/weir.json' }, files))).toEqual({ strategy: 'none' });
    });

    it('falls back to the default rule when the file has no restart section', () => {
      expect(fallback(engine({}, { [FILE]: { checkpointing: {} } }), true)).toEqual({
        strategy: 'exponential-delay',
        ...EXPONENTIAL_DELAY_DEFAULTS,
      });
    });

    it.each([
      [
        {},
        { [FILE]: { restart: { strategy: 'fixed-delay', delayMs: -1 } } },
        `restart.delayMs in ${FILE} must be a non-negative number, got -1`,
      ],
      [
        {},
        { [FILE]: { restart: { attempts: 2 } } },
        `restart.strategy in ${FILE} must be one of 'none', 'fixed-delay', 'failure-rate', 'exponential-delay', got undefined`,
      ],
      [
        {},
        { [FILE]: { restart: 'fixed-delay' } },
        `restart in ${FILE} must be an object such as { "strategy": "fixed-delay" }, got "fixed-delay"`,
      ],
      [{}, { [FILE]: '[1, 2]' }, `${FILE} must be a JSON object, got [1,2]`],
      [
        { WEIR_CONFIG: '/missing.json' },
        {},
        'WEIR_CONFIG must be the path of an existing JSON file, got "/missing.json"',
      ],
    ])('rejects env %o with files %o', (env, files, message) => {
      expect(messageOf(engine(env, files))).toBe(message);
    });

    it('rejects a file that is not JSON, naming the file', () => {
      expect(messageOf(engine({}, { [FILE]: '{ restart: ' }))).toMatch(
        new RegExp(`^${FILE} must be valid JSON, got `),
      );
    });
  });

  describe('environment over file', () => {
    const files = { [FILE]: { restart: { strategy: 'fixed-delay', attempts: 5, delayMs: 100 } } };

    it('overrides the file parameter by parameter', () => {
      expect(fallback(engine({ WEIR_RESTART_DELAY_MS: '7' }, files))).toEqual({
        strategy: 'fixed-delay',
        attempts: 5,
        delayMs: 7,
      });
    });

    it("ignores the file's parameters when the environment names another strategy", () => {
      expect(fallback(engine({ WEIR_RESTART_STRATEGY: 'failure-rate' }, files))).toEqual({
        strategy: 'failure-rate',
        maxFailuresPerInterval: 1,
        failureRateIntervalMs: 60_000,
        delayMs: 1000,
      });
    });
  });

  describe('on the real filesystem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-restart-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads weir.config.json from the given working directory, and tolerates its absence', () => {
      expect(fallback({ env: {}, cwd: dir })).toEqual({ strategy: 'none' });
      writeFileSync(
        join(dir, 'weir.config.json'),
        JSON.stringify({ restart: { strategy: 'fixed-delay', attempts: 4 } }),
      );
      expect(fallback({ env: {}, cwd: dir })).toEqual({
        strategy: 'fixed-delay',
        attempts: 4,
        delayMs: 1000,
      });
    });
  });
});
