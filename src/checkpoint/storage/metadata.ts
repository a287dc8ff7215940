/**
 * A completed checkpoint's metadata, and its file format. The metadata is the commit point: it is
 * written last, atomically, and a directory without it is not a checkpoint. It lists every operator
 * (uid, vertex, parallelism, max parallelism) and, for each subtask, the handles of its state with
 * their sizes and checksums, so that a reader can verify every byte it restores.
 *
 * The file `_metadata` is JSON, pretty-printed, so that an operator can read it with `cat`; it is
 * small (handles, not state), so the compactness of msgpack buys nothing here. It reads
 * `{ "format": "weir-checkpoint", "checksum": "sha256:…", "metadata": { "version": 1, … } }`,
 * where the checksum covers `JSON.stringify(metadata)`: a flipped digit, which JSON would happily
 * parse, is caught as well as a truncation. Only file handles are ever written to disk.
 */
import type { CheckpointingMode } from '../config.ts';
import { CheckpointCorruptError } from '../errors.ts';
import {
  checksumOf,
  handlesOf,
  isChecksum,
  isHandlePath,
  isSharedKeyedList,
  matchesChecksum,
  type OperatorSubtaskState,
  STATE_KINDS,
  type StateHandle,
} from './state-handle.ts';

/** Name of the metadata file in a checkpoint's directory. */
export const METADATA_FILE = '_metadata';
/** Value of the file's `format` field. */
export const METADATA_FORMAT = 'weir-checkpoint';
/** Version of the metadata this code writes; readers refuse versions they do not know. */
export const METADATA_VERSION = 1;

/** The state of one operator subtask in a completed checkpoint. */
export interface SubtaskStateEntry extends OperatorSubtaskState {
  readonly subtask: number;
}

/** One operator of the job in a completed checkpoint. */
export interface OperatorStateEntry {
  readonly operatorUid: string;
  /** The job vertex (chain) that ran the operator. */
  readonly vertexId: string;
  readonly parallelism: number;
  /** Number of key groups; restoring at another parallelism redistributes them. */
  readonly maxParallelism: number;
  /** Exactly `parallelism` entries, `subtasks[i].subtask === i`; empty when stateless. */
  readonly subtasks: readonly SubtaskStateEntry[];
}

/** Everything needed to restore a job from a checkpoint. */
export interface CheckpointMetadata {
  readonly version: number;
  readonly jobId: string;
  readonly checkpointId: number;
  /** When the checkpoint was triggered, ms since the epoch. */
  readonly timestamp: number;
  /** When its last acknowledgement arrived, ms since the epoch. */
  readonly completedAt: number;
  readonly savepoint: boolean;
  readonly mode: CheckpointingMode;
  readonly operators: readonly OperatorStateEntry[];
}

/** Every handle of `metadata`, in a stable order. */
export function allHandles(metadata: CheckpointMetadata): StateHandle[] {
  const out: StateHandle[] = [];
  for (const op of metadata.operators)
    for (const sub of op.subtasks) for (const [, handle] of handlesOf(sub)) out.push(handle);
  return out;
}

/** Total bytes of state the checkpoint references. */
export function stateBytesOf(metadata: CheckpointMetadata): number {
  let bytes = 0;
  for (const handle of allHandles(metadata)) bytes += handle.bytes;
  return bytes;
}

/**
 * Bytes of state the checkpoint wrote itself: {@link stateBytesOf} less the files of earlier
 * checkpoints an incremental checkpoint reuses blobs from.
 */
export function checkpointedBytesOf(metadata: CheckpointMetadata): number {
  let bytes = stateBytesOf(metadata);
  for (const op of metadata.operators)
    for (const sub of op.subtasks) for (const shared of sub.keyedShared ?? []) bytes -= shared.handle.bytes;
  return bytes;
}

/**
 * The bytes of a `_metadata` file for `metadata`. Small state travels inline (as Flink keeps state
 * under `state.storage.fs.memory-threshold` in the metadata): its bytes are written as base64
 * (`{ "kind": "inline", "base64": ... }`), covered by the file's checksum and by the handle's own.
 */
export function encodeMetadataFile(metadata: CheckpointMetadata): Uint8Array {
  const body = JSON.stringify(metadata, inlineToJson);
  const checksum = checksumOf(new TextEncoder().encode(body), 'sha256');
  const text = JSON.stringify({ format: METADATA_FORMAT, checksum, metadata: JSON.parse(body) }, null, 2);
  return new TextEncoder().encode(`${text}\n`);
}

function inlineToJson(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'inline') {
    const h = value as { data: Uint8Array; bytes: number; checksum: string };
    return {
      kind: 'inline',
      base64: Buffer.from(h.data.buffer, h.data.byteOffset, h.data.byteLength).toString('base64'),
      bytes: h.bytes,
      checksum: h.checksum,
    };
  }
  return value;
}

function inlineFromJson(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'inline') {
    const h = value as { base64?: unknown; bytes: unknown; checksum: unknown };
    if (typeof h.base64 !== 'string') return value;
    return {
      kind: 'inline',
      data: new Uint8Array(Buffer.from(h.base64, 'base64')),
      bytes: h.bytes,
      checksum: h.checksum,
    };
  }
  return value;
}

/** Parses and verifies a `_metadata` file; `file` names it in errors. */
export function decodeMetadataFile(bytes: Uint8Array, file: string): CheckpointMetadata {
  if (bytes.length === 0) throw new CheckpointCorruptError(file, 'truncated', 'the file is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new CheckpointCorruptError(file, 'truncated', 'it is not complete JSON', error);
  }
  const envelope = asRecord(parsed);
  if (envelope?.['format'] !== METADATA_FORMAT)
    throw new CheckpointCorruptError(file, 'invalid-format', `it is not a ${METADATA_FORMAT} metadata file`);
  const metadata = envelope['metadata'];
  const expected = envelope['checksum'];
  if (!isChecksum(expected))
    throw new CheckpointCorruptError(file, 'invalid-format', 'it has no valid checksum field');
  if (!matchesChecksum(new TextEncoder().encode(JSON.stringify(metadata)), expected))
    throw new CheckpointCorruptError(file, 'checksum-mismatch', 'its content does not match its checksum');
  return validateMetadata(JSON.parse(JSON.stringify(metadata), inlineFromJson), file);
}

/** Checks that `value` is well-formed metadata of a version this code reads. */
export function validateMetadata(value: unknown, file: string): CheckpointMetadata {
  const fail = (detail: string): never => {
    throw new CheckpointCorruptError(file, 'invalid-format', detail);
  };
  const m = asRecord(value) ?? fail('metadata is not an object');
  if (m['version'] !== METADATA_VERSION)
    throw new CheckpointCorruptError(
      file,
      'unsupported-version',
      `version ${String(m['version'])} is not ${METADATA_VERSION}, the version this weir reads`,
    );
  if (typeof m['jobId'] !== 'string') fail('jobId is not a string');
  if (!isCount(m['checkpointId'], 1)) fail('checkpointId is not a positive integer');
  if (!Number.isFinite(m['timestamp']) || !Number.isFinite(m['completedAt']))
    fail('a timestamp is not a number');
  if (typeof m['savepoint'] !== 'boolean') fail('savepoint is not a boolean');
  if (m['mode'] !== 'exactly-once' && m['mode'] !== 'at-least-once') fail('mode is invalid');
  const operators = m['operators'];
  if (!Array.isArray(operators)) return fail('operators is not an array');
  const uids = new Set<string>();
  for (const op of operators) {
    const o = asRecord(op) ?? fail('an operator entry is not an object');
    const uid = o['operatorUid'];
    if (typeof uid !== 'string' || uids.has(uid)) fail('an operator uid is missing or repeated');
    uids.add(uid as string);
    if (typeof o['vertexId'] !== 'string') fail(`operator ${String(uid)}: vertexId is not a string`);
    if (!isCount(o['parallelism'], 1) || !isCount(o['maxParallelism'], 1))
      fail(`operator ${String(uid)}: parallelism or maxParallelism is not a positive integer`);
    const subtasks = o['subtasks'];
    if (!Array.isArray(subtasks) || subtasks.length !== o['parallelism'])
      fail(`operator ${String(uid)}: subtasks does not have one entry per subtask`);
    (subtasks as unknown[]).forEach((entry, i) => {
      const s = asRecord(entry) ?? fail(`operator ${String(uid)}: subtask ${i} is not an object`);
      if (s['subtask'] !== i)
        fail(`operator ${String(uid)}: entry ${i} is for subtask ${String(s['subtask'])}`);
      for (const kind of STATE_KINDS)
        if (s[kind] !== undefined && !isFileHandle(s[kind]) && !isInlineHandle(s[kind]))
          fail(`operator ${String(uid)} subtask ${i}: the ${kind} handle is invalid`);
      if (!isSharedKeyedList(s['keyedShared'], (h) => isFileHandle(h) || isInlineHandle(h)))
        fail(`operator ${String(uid)} subtask ${i}: the shared keyed state is invalid`);
    });
  }
  return value as CheckpointMetadata;
}

function isFileHandle(value: unknown): boolean {
  const h = asRecord(value);
  return (
    h !== undefined &&
    h['kind'] === 'file' &&
    isHandlePath(h['path']) &&
    isCount(h['bytes'], 0) &&
    isChecksum(h['checksum'])
  );
}

function isInlineHandle(value: unknown): boolean {
  const h = asRecord(value);
  return (
    h !== undefined &&
    h['kind'] === 'inline' &&
    h['data'] instanceof Uint8Array &&
    h['data'].length === h['bytes'] &&
    isChecksum(h['checksum'])
  );
}

function isCount(value: unknown, min: number): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
