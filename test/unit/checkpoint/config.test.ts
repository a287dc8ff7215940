// Checkpointing is off by default, intervals down to 10 ms work, and every bad option is a typed error
// naming the option.
import { isAbsolute } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHECKPOINT_CONFIG, resolveCheckpointConfig } from '../../../src/checkpoint/config.ts';
import { InvalidOptionError } from '../../../src/errors.ts';

function optionOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidOptionError) return error.option;
    throw error;
  }
  return undefined;
}

describe('resolveCheckpointConfig', () => {
  it('defaults to no periodic checkpoints, exactly-once, 10 min timeout, memory storage', () => {
    expect(resolveCheckpointConfig()).toEqual({
      intervalMs: null,
      mode: 'exactly-once',
      unaligned: false,
      alignedCheckpointTimeoutMs: null,
      timeoutMs: 600_000,
      minPauseMs: 0,
      maxConcurrent: 1,
      tolerableFailures: 0,
      retained: 1,
      incremental: false,
      storage: { kind: 'memory' },
    });
    expect(resolveCheckpointConfig({})).toEqual(DEFAULT_CHECKPOINT_CONFIG);
  });

  it('accepts an interval of 10 ms and refuses 9 ms, naming intervalMs', () => {
    expect(resolveCheckpointConfig({ intervalMs: 10 }).intervalMs).toBe(10);
    const error = (() => {
      try {
        resolveCheckpointConfig({ intervalMs: 9 });
      } catch (e) {
        return e as InvalidOptionError;
      }
      return undefined;
    })();
    expect(error?.code).toBe('ERR_INVALID_OPTION');
    expect(error?.message).toMatch(/^intervalMs must be a number of ms ≥ 10, got 9$/);
  });

  it('names every invalid option', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ intervalMs: Number.NaN }, 'intervalMs'],
      [{ mode: 'twice' }, 'mode'],
      [{ unaligned: 'yes' }, 'unaligned'],
      [{ incremental: 1 }, 'incremental'],
      [{ incremental: null }, 'incremental'],
      [{ unaligned: true, mode: 'at-least-once' }, 'unaligned'],
      [{ timeoutMs: 5 }, 'timeoutMs'],
      [{ minPauseMs: -1 }, 'minPauseMs'],
      [{ maxConcurrent: 0 }, 'maxConcurrent'],
      [{ maxConcurrent: 1.5 }, 'maxConcurrent'],
      [{ tolerableFailures: -1 }, 'tolerableFailures'],
      [{ retained: 0 }, 'retained'],
      [{ storage: { kind: 'cloud' } }, 'storage.kind'],
      [{ storage: { kind: 'filesystem', dir: '' } }, 'storage.dir'],
      [{ storage: null }, 'storage'],
      [{ intervall: 100 }, 'checkpointing.intervall'],
    ];
    for (const [options, option] of cases)
      expect(optionOf(() => resolveCheckpointConfig(options))).toBe(option);
  });

  it('resolves a filesystem directory to an absolute path', () => {
    const config = resolveCheckpointConfig({ storage: { kind: 'filesystem', dir: 'checkpoints' } });
    expect(config.storage.kind === 'filesystem' && isAbsolute(config.storage.dir)).toBe(true);
  });
});
