/**
 * The recovery benchmark's tables: recovery time against the target, its phases, and the restore
 * replayed step by step outside the job.
 */

import type { Spread } from '../jobs-support/spread.ts';
import { formatDuration, formatMBps } from '../support/format.ts';
import { formatTable } from '../support/table.ts';
import type { RecoveryRow } from './summary.ts';

const right = { align: 'right' } as const;

function range(s: Spread): string {
  return s.runs.length > 1 ? `${formatDuration(s.min)}–${formatDuration(s.max)}` : '–';
}

export function recoveryTable(rows: readonly RecoveryRow[]): string {
  return formatTable(
    [
      { title: 'state' },
      { title: 'checkpoint', ...right },
      { title: 'recovery', ...right },
      { title: 'range', ...right },
      { title: 'target', ...right },
      { title: 'met', ...right },
      { title: 'restore phase', ...right },
      { title: 'read rate MB/s', ...right },
      { title: 'first keyed record', ...right },
      { title: 'peak RSS', ...right },
    ],
    rows.map((r) => [
      r.size,
      `${(r.stateBytes / 1e6).toPrecision(3)} MB`,
      formatDuration(r.phases.totalMs.median),
      range(r.phases.totalMs),
      formatDuration(r.targetMs),
      r.met ? 'yes' : 'no',
      formatDuration(r.phases.restoreMs.median),
      formatMBps(r.readBytesPerSecond.median),
      formatDuration(r.phases.firstRecordMs.median),
      `${(r.peakRssBytes / 2 ** 30).toFixed(2)} GiB`,
    ]),
  );
}

export function phaseTable(rows: readonly RecoveryRow[]): string {
  return formatTable(
    [
      { title: 'state' },
      { title: 'detect', ...right },
      { title: 'teardown', ...right },
      { title: 'start workers', ...right },
      { title: 'restore + first record', ...right },
      { title: 'total', ...right },
      { title: 'source first record', ...right },
      { title: 'checkpoint took', ...right },
    ],
    rows.map((r) => [
      r.size,
      formatDuration(r.phases.detectMs.median),
      formatDuration(r.phases.teardownMs.median),
      formatDuration(r.phases.startMs.median),
      formatDuration(r.phases.restoreMs.median),
      formatDuration(r.phases.totalMs.median),
      formatDuration(r.phases.sourceFirstRecordMs.median),
      formatDuration(r.checkpointMs.median),
    ]),
  );
}

export function replayTable(rows: readonly RecoveryRow[]): string {
  const rate = (s: Spread): string => formatMBps(s.median);
  return formatTable(
    [
      { title: 'state' },
      { title: 'fs read', ...right },
      { title: 'read + checksum', ...right },
      { title: 'unpack envelope', ...right },
      { title: 'decode + install', ...right },
      { title: 'all steps', ...right },
      { title: 'largest subtask', ...right },
    ],
    rows.map((r) => [
      r.size,
      rate(r.replay.rawRead),
      rate(r.replay.readVerified),
      rate(r.replay.unpack),
      rate(r.replay.restore),
      rate(r.replay.total),
      formatDuration(r.replay.slowestSubtaskMs.median),
    ]),
  );
}
