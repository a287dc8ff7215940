/**
 * `weir checkpoints <dir>`: lists the checkpoints and savepoints in a directory (ids, time, size,
 * operators, parallelism) and reports damaged ones; given a checkpoint or savepoint directory
 * itself, describes it operator by operator. `--json` prints the same as one JSON document.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CheckpointSummary } from '../checkpoint/storage/checkpoint-storage.ts';
import { METADATA_FILE } from '../checkpoint/storage/metadata.ts';
import { listCheckpoints, readCheckpointMetadata, summarize } from '../checkpoint/storage/reader.ts';
import { handlesOf } from '../checkpoint/storage/state-handle.ts';
import { WeirError } from '../errors.ts';
import { formatBytes, table } from './progress-display.ts';

export const CHECKPOINTS_USAGE = `usage: weir checkpoints <dir> [--json]

Lists the checkpoints and savepoints in <dir> (a job's checkpoint directory or a savepoint target
directory), or describes <dir> itself when it is one checkpoint or savepoint.
`;

export async function checkpointsCommand(
  argv: readonly string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length !== 1) {
    (values.help ? out : err).write(CHECKPOINTS_USAGE);
    return values.help ? 0 : 2;
  }
  const dir = resolve(positionals[0]!);
  try {
    if (existsSync(join(dir, METADATA_FILE))) {
      const metadata = await readCheckpointMetadata(dir);
      if (values.json) {
        out.write(
          `${JSON.stringify({ ...summarize(metadata, dir), mode: metadata.mode, jobId: metadata.jobId }, null, 2)}\n`,
        );
        return 0;
      }
      const s = summarize(metadata, dir);
      out.write(
        `${s.savepoint ? 'savepoint' : 'checkpoint'} ${s.checkpointId} of job "${metadata.jobId}" (${metadata.mode})\n`,
      );
      out.write(
        `  taken ${new Date(s.timestamp).toISOString()}, completed ${new Date(s.completedAt).toISOString()}, ${formatBytes(s.stateBytes)}\n`,
      );
      const rows = metadata.operators.map((op) => [
        op.operatorUid,
        op.vertexId,
        String(op.parallelism),
        String(op.maxParallelism),
        // Shared keyed state (incremental checkpoints) counts too: the checkpoint needs it.
        formatBytes(
          op.subtasks.reduce(
            (n, sub) => n + handlesOf(sub).reduce((m, [, handle]) => m + handle.bytes, 0),
            0,
          ),
        ),
      ]);
      out.write(table(['operator uid', 'vertex', 'parallelism', 'max parallelism', 'state'], rows));
      return 0;
    }
    const { checkpoints, invalid } = await listCheckpoints(dir);
    if (values.json) {
      out.write(
        `${JSON.stringify({ checkpoints, invalid: invalid.map((i) => ({ pointer: i.pointer, checkpointId: i.checkpointId, error: i.error.message })) }, null, 2)}\n`,
      );
      return 0;
    }
    if (checkpoints.length === 0 && invalid.length === 0) {
      out.write(`no checkpoints or savepoints in ${dir}\n`);
      return 0;
    }
    out.write(
      table(['id', 'kind', 'taken', 'size', 'operators (parallelism)', 'path'], checkpoints.map(row)),
    );
    for (const bad of invalid) err.write(`damaged: ${bad.pointer}: ${bad.error.message}\n`);
    return invalid.length > 0 ? 1 : 0;
  } catch (error) {
    err.write(
      `weir checkpoints: ${error instanceof WeirError ? `${error.message} [${error.code}]` : String(error)}\n`,
    );
    return 1;
  }
}

function row(c: CheckpointSummary): string[] {
  return [
    String(c.checkpointId),
    c.savepoint ? 'savepoint' : 'checkpoint',
    new Date(c.timestamp).toISOString(),
    formatBytes(c.stateBytes),
    c.operators.map((o) => `${o.operatorUid}(${o.parallelism})`).join(', '),
    c.pointer,
  ];
}
