// A checkpoint storage error names the path and the system error code of its cause, and a resume
// path that does not exist is said to be missing, not damaged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointStorageError, ResumeStateNotFoundError } from '../../../src/index.ts';
import { findResumeState } from '../../../src/runtime/checkpointing/resume.ts';

/** A system error as Node.js's fs functions raise it. */
function systemError(code: string, text: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${text}, open '${path}'`), { code, syscall: 'open', path });
}

describe('CheckpointStorageError', () => {
  it.each([
    ['EACCES', 'permission denied'],
    ['EPERM', 'operation not permitted'],
    ['ENOSPC', 'no space left on device'],
  ])('names the path and %s', (code, text) => {
    const path = '/data/checkpoints/chk-3/counter-0-keyed.state';
    const error = new CheckpointStorageError('write', path, systemError(code, text, path));
    expect(error.code).toBe('ERR_CHECKPOINT_STORAGE');
    expect(error.systemCode).toBe(code);
    expect(error.path).toBe(path);
    expect(error.message).toContain(`could not write ${path}: ${code}`);
    expect(error.message.match(new RegExp(code, 'g'))).toHaveLength(1);
  });

  it('adds the code when the cause message does not start with it', () => {
    const cause = Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    const error = new CheckpointStorageError('write', '/x', cause);
    expect(error.message).toBe('checkpoint storage could not write /x: ENOSPC (disk full)');
  });
});

describe('resuming', () => {
  it('from a path that does not exist is ERR_RESUME_NOT_FOUND, naming it as missing', async () => {
    const path = join(tmpdir(), 'weir-no-such-savepoint-dir');
    const error = await findResumeState(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResumeStateNotFoundError);
    expect(error).toMatchObject({ code: 'ERR_RESUME_NOT_FOUND', path });
    expect((error as Error).message).toBe(`cannot resume: ${path} does not exist`);
  });

  it('from a directory holding no checkpoint says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-empty-resume-'));
    try {
      await expect(findResumeState(dir)).rejects.toMatchObject({
        code: 'ERR_RESUME_NOT_FOUND',
        message: `cannot resume: ${dir} holds no checkpoint or savepoint`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
