/**
 * The worker side of the test-only failure-injection hook (`runtime/fault-injection.ts`,
 * `docs/chaos.md`): built from a deployment's `faults`, it wraps the inputs of the operators a
 * fault targets (in this subtask only) with a record counter, and checks the checkpoints this
 * subtask snapshots. A fault fires once per job: the thread that wins the compare-exchange on its
 * flag fires it, whichever attempt it runs in. Without `faults` none of this is built, so an
 * operator's input is exactly what it is without the hook: no per-record cost.
 *
 * Thread: the subtask's worker thread. Firing reports the fault on the control port first, so that
 * the main thread counts it (and, for `terminate-thread` and `kill-process`, acts on it) while this
 * thread waits in `Atomics.wait`: nothing after that record runs in this thread.
 */
import { WeirError } from '../errors.ts';
import type { StreamOutput } from '../operators/operator.ts';
import type { FaultInjectionDeployment, InjectedFault } from '../runtime/protocol.ts';

/** How long a thread waits to be terminated or killed before it fails instead (against hangs). */
const STOP_WAIT_MS = 60_000;

/** The failure a `throw` fault raises in the operator it targets. */
export class InjectedFailureError extends WeirError {
  constructor(fault: InjectedFault) {
    super(
      'ERR_INJECTED_FAILURE',
      'user',
      `injected failure (${fault.kind}) in ${fault.operatorUid}[${fault.subtask}]${
        'atRecord' in fault ? ` at record ${fault.atRecord}` : ` at checkpoint ${fault.atCheckpoint}`
      }`,
    );
  }
}

export class FaultInjector {
  readonly #faults: readonly InjectedFault[];
  readonly #fired: Int32Array;
  readonly #subtask: number;
  readonly #report: (fault: number) => void;

  constructor(deployment: FaultInjectionDeployment, subtask: number, report: (fault: number) => void) {
    this.#faults = deployment.faults;
    this.#fired = new Int32Array(deployment.fired);
    this.#subtask = subtask;
    this.#report = report;
  }

  /**
   * `input` with a record counter that fires the record faults aimed at operator `uid` in this
   * subtask; `input` itself when none is.
   */
  wrap(uid: string, input: StreamOutput): StreamOutput {
    const mine = this.#mine(uid).filter(({ fault }) => fault.kind !== 'fail-checkpoint-async');
    if (mine.length === 0) return input;
    let records = 0;
    return {
      collect: (record) => {
        records++;
        for (const { fault, index } of mine)
          if ('atRecord' in fault && fault.atRecord === records) this.#fire(fault, index);
        input.collect(record);
      },
      emitWatermark: (timestamp) => input.emitWatermark(timestamp),
      emitWatermarkStatus: (idle) => input.emitWatermarkStatus(idle),
    };
  }

  /**
   * The check a subtask's checkpointer runs at the start of each asynchronous part (it throws to
   * fail it), for the faults aimed at any of `uids` (the chain's operators); undefined when none is.
   */
  checkpointHook(uids: readonly string[]): (() => void) | undefined {
    const mine = uids.flatMap((uid) =>
      this.#mine(uid).filter(({ fault }) => fault.kind === 'fail-checkpoint-async'),
    );
    if (mine.length === 0) return undefined;
    let checkpoints = 0;
    return () => {
      checkpoints++;
      for (const { fault, index } of mine)
        if ('atCheckpoint' in fault && fault.atCheckpoint === checkpoints) this.#fire(fault, index);
    };
  }

  #mine(uid: string): Array<{ fault: InjectedFault; index: number }> {
    return this.#faults
      .map((fault, index) => ({ fault, index }))
      .filter(({ fault }) => fault.operatorUid === uid && fault.subtask === this.#subtask);
  }

  #fire(fault: InjectedFault, index: number): void {
    if (Atomics.compareExchange(this.#fired, index, 0, 1) !== 0) return;
    this.#report(index);
    if (fault.kind === 'throw' || fault.kind === 'fail-checkpoint-async')
      throw new InjectedFailureError(fault);
    // Stopped from outside: wait here (the whole thread) until the main thread terminates it or
    // the process is killed; terminating a worker interrupts Atomics.wait.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, STOP_WAIT_MS);
    throw new InjectedFailureError(fault);
  }
}
