/**
 * Shared-memory probes between a benchmark (main thread) and the job it runs (worker threads): a
 * `SharedArrayBuffer` passed in the job's `args`, seen by every thread. Workers write, the main
 * thread reads; nothing goes over a port, so probing costs a plain store per record.
 *
 * Layout, in Float64 slots (`subtasks` is the keyed operator's parallelism):
 * ```
 * [0]  attempt the main thread announced (set from the `restored` event; 0 = first attempt)
 * [1]  failure request: 1 = the next keyed record throws (main thread sets, the failer clears)
 * [2]  wall time the failing record threw (ms since the epoch)
 * [3]  Int32 words: [6] failure claim, [7] attempt of the source stamp
 * [4]  wall time the source emitted its first record of that attempt
 * [5 + 4s + 0]  records processed by keyed subtask s in its current attempt
 * [5 + 4s + 1]  attempt of subtask s's first-record stamp
 * [5 + 4s + 2]  wall time of subtask s's first record in that attempt
 * [5 + 4s + 3]  wall time subtask s's worker had built the job module, in that attempt
 * ```
 * Each slot has a single writer at a time (a keyed subtask lives in one worker; the source's stamp
 * is claimed with an Int32 compare-and-exchange), and the main thread reads racily: an aligned
 * 8-byte load is not torn on the platforms Node.js runs on, and a count read a few records late
 * does not matter over a measurement window.
 */

const ATTEMPT = 0;
const FAILURE_REQUEST = 1;
const FAILED_AT = 2;
const CLAIM_WORD = 6;
const SOURCE_ATTEMPT_WORD = 7;
const SOURCE_FIRST_RECORD = 4;
const SUBTASK_BASE = 5;
const SLOTS_PER_SUBTASK = 4;

/** Allocates the probe memory for a keyed operator of `subtasks` subtasks. */
export function createProbeMemory(subtasks: number): SharedArrayBuffer {
  return new SharedArrayBuffer(8 * (SUBTASK_BASE + SLOTS_PER_SUBTASK * subtasks));
}

/** A view of the probe memory; each thread builds its own from the `SharedArrayBuffer`. */
export class Probe {
  readonly #f64: Float64Array;
  readonly #i32: Int32Array;
  readonly subtasks: number;

  constructor(memory: SharedArrayBuffer) {
    this.#f64 = new Float64Array(memory);
    this.#i32 = new Int32Array(memory);
    this.subtasks = (this.#f64.length - SUBTASK_BASE) / SLOTS_PER_SUBTASK;
  }

  // ── main thread ─────────────────────────────────────────────────────────────────────────────

  /** Announces the attempt about to be deployed (from the job client's `restored` event). */
  announceAttempt(attempt: number): void {
    this.#f64[ATTEMPT] = attempt;
  }

  /** Asks one keyed subtask to throw on its next record. */
  requestFailure(): void {
    Atomics.store(this.#i32, CLAIM_WORD, 0);
    this.#f64[FAILED_AT] = 0;
    this.#f64[FAILURE_REQUEST] = 1;
  }

  /** Wall time the requested failure was thrown (0 = not yet). */
  get failedAt(): number {
    return this.#f64[FAILED_AT]!;
  }

  /** Records processed by all keyed subtasks in their current attempt. */
  totalRecords(): number {
    let sum = 0;
    for (let s = 0; s < this.subtasks; s++) sum += this.records(s);
    return sum;
  }

  /** Records processed by keyed subtask `s` in its current attempt. */
  records(s: number): number {
    return this.#slot(s, 0);
  }

  /** Wall time of keyed subtask `s`'s first record in `attempt`, if it had one. */
  firstRecordAt(s: number, attempt: number): number | undefined {
    return this.#slot(s, 1) === attempt ? this.#slot(s, 2) : undefined;
  }

  /** Wall time keyed subtask `s`'s worker had built the job module, in `attempt`. */
  builtAt(s: number, attempt: number): number | undefined {
    return this.#slot(s, 1) === attempt ? this.#slot(s, 3) : undefined;
  }

  /** Wall time the source emitted its first record in `attempt`, if it did. */
  sourceFirstRecordAt(attempt: number): number | undefined {
    return Atomics.load(this.#i32, SOURCE_ATTEMPT_WORD) === attempt
      ? this.#f64[SOURCE_FIRST_RECORD]
      : undefined;
  }

  // ── worker threads ──────────────────────────────────────────────────────────────────────────

  /** The attempt the main thread announced (1 before any restart). */
  get attempt(): number {
    return Math.max(1, this.#f64[ATTEMPT]!);
  }

  /** The source emitted its first record of the current attempt at `at` (first caller wins). */
  markSourceFirstRecord(at: number): void {
    const attempt = this.attempt;
    const previous = Atomics.load(this.#i32, SOURCE_ATTEMPT_WORD);
    if (previous >= attempt) return;
    if (Atomics.compareExchange(this.#i32, SOURCE_ATTEMPT_WORD, previous, attempt) !== previous) return;
    this.#f64[SOURCE_FIRST_RECORD] = at;
  }

  /**
   * Subtask `s`'s first record of the current attempt, at `at`, in a worker that built the job
   * module at `builtAt`: its count restarts at 1.
   */
  markFirstRecord(s: number, at: number, builtAt: number): void {
    this.#set(s, 0, 1);
    this.#set(s, 2, at);
    this.#set(s, 3, builtAt);
    this.#set(s, 1, this.attempt);
  }

  /** One more record for subtask `s`. */
  countRecord(s: number): void {
    const i = SUBTASK_BASE + SLOTS_PER_SUBTASK * s;
    this.#f64[i] = this.#f64[i]! + 1;
  }

  /**
   * Whether this record must fail: true for exactly one caller after {@link requestFailure}; that
   * caller then calls {@link markFailed} and throws.
   */
  claimFailure(): boolean {
    return this.#f64[FAILURE_REQUEST] === 1 && Atomics.compareExchange(this.#i32, CLAIM_WORD, 0, 1) === 0;
  }

  /** The claimed failure is thrown now. */
  markFailed(at: number): void {
    this.#f64[FAILED_AT] = at;
    this.#f64[FAILURE_REQUEST] = 0;
  }

  #slot(s: number, field: number): number {
    return this.#f64[SUBTASK_BASE + SLOTS_PER_SUBTASK * s + field]!;
  }

  #set(s: number, field: number, value: number): void {
    this.#f64[SUBTASK_BASE + SLOTS_PER_SUBTASK * s + field] = value;
  }
}
