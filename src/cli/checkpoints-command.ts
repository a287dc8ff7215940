/**
 * `weir checkpoints <dir>`: lists the checkpoints and savepoints in a directory (ids, time, size,
 * operators, parallelism) and reports damaged ones; given a checkpoint or savepoint directory
 * itself, describes it operator by operator. `--json` prints the same as one JSON document.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CheckpointSummary } from '../checkpoint/storage/checkpoint-storage.ts';
import { METADATA_FILE } from '../checkpoint/storage/metadata.ts';
import { listCheckpoints, readCheckpointMetadata, summarize } from '../checkpoint/storage/reader.ts';
import { handlesOf } from '../checkpoint/storage/state-handle.ts';
import { WeirError } from '../errors.ts';
import { parseCommandLine } from './command-line.ts';
import { describeError } from './describe-error.ts';
import { UsageError } from './errors.ts';
import { type DisplayTarget, formatBytes, table } from './progress-display.ts';

export const CHECKPOINTS_USAGE = `usage: weir checkpoints <dir> [--json]

Lists the checkpoints and savepoints in <dir> (a job's checkpoint directory or a savepoint target
directory), or describes <dir> itself when it is one checkpoint or savepoint.
`;

export async function checkpointsCommand(
  argv: readonly string[],
  out: DisplayTarget = process.stdout,
  err: DisplayTarget = process.stderr,
): Promise<number> {
  let values: { json?: boolean; help?: boolean };
  let dir: string;
  try {
    const line = parseCommandLine(argv, {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    values = line.values;
    if (values.help) {
      out.write(CHECKPOINTS_USAGE);
      return 0;
    }
    if (line.positionals.length !== 1)
      throw new UsageError(
        line.positionals.length === 0
          ? 'missing the directory'
          : `one directory expected, got ${line.positionals.length}: ${line.positionals.join(' ')}`,
      );
    dir = resolve(line.positionals[0]!);
  } catch (error) {
    if (!(error instanceof WeirError)) throw error;
    err.write(`weir checkpoints: ${error.message}\n\n${CHECKPOINTS_USAGE}`);
    return 2;
  }
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    err.write(`weir checkpoints: no such directory: ${dir}\n`);
    return 1;
  }
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
    err.write(`weir checkpoints: ${describeError(error)}\n`);
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
