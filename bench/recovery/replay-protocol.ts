/** Messages between the restore replay (replay.ts, main thread) and its worker (replay-worker.ts). */

/** What to replay: the keyed state of one operator in one checkpoint directory. */
export interface ReplayRequest {
  readonly pointer: string;
  readonly operatorUid: string;
}

/** One keyed subtask's restore, step by step, ms. */
export interface SubtaskReplay {
  readonly bytes: number;
  readonly entries: number;
  /** `fs.readFile` of the state file alone. */
  readonly rawReadMs: number;
  /** The restore's read: size check, read, SHA-256 of the whole file. */
  readonly readVerifiedMs: number;
  /** msgpack unpack of the snapshot envelope into key-group blobs. */
  readonly unpackMs: number;
  /** Key groups decoded (CRC-32, msgpack), keys re-hashed, tables installed. */
  readonly restoreMs: number;
}

export interface ReplayResult {
  readonly subtasks: readonly SubtaskReplay[];
}

/** The worker's only message; a failure ends the worker with an error instead. */
export interface ReplayMessage {
  readonly type: 'result';
  readonly result: ReplayResult;
}
