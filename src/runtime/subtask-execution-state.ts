/**
 * Where one subtask of an execution attempt is, as the main thread sees it (the subset of Flink's
 * `ExecutionState` weir needs), and in one table the legal moves between those states.
 *
 * ```
 * deploying ─▶ running ─▶ finishing ─▶ finished
 *     │           │ ╲         │
 *     └───────────┴──┴────────┴──▶ failed | cancelled
 * ```
 * `finishing` is a subtask whose input ended, waiting for the job's final checkpoint; a subtask
 * without checkpointing (a stage of a batch job) goes from `running` to `finished` directly.
 *
 * Invariants: `finished`, `failed` and `cancelled` are final. Reports cross threads, so one that
 * does not fit the state (a thread terminated after the cancel grace period still delivering its
 * last messages) is refused rather than trusted: {@link SubtaskExecution.moveTo} returns false and
 * changes nothing. Thread: the main thread.
 */

export type ExecutionState = 'deploying' | 'running' | 'finishing' | 'finished' | 'failed' | 'cancelled';

/** Every legal move. A state with no targets is final. */
export const EXECUTION_STATE_TRANSITIONS: { readonly [From in ExecutionState]: readonly ExecutionState[] } = {
  deploying: [
    'running', // built; processing
    'failed', // could not be built, or its thread exited
    'cancelled', // did not stop within the grace period: its thread is terminated
  ],
  running: [
    'finishing', // input ended; answers checkpoint triggers until told to finish
    'finished', // input ended, no checkpointing (a stage of a batch job)
    'failed',
    'cancelled',
  ],
  finishing: ['finished', 'failed', 'cancelled'],
  finished: [],
  failed: [],
  cancelled: [],
};

/** How many of an attempt's subtasks are in each state. */
export interface SubtaskStates {
  /** Every subtask of the job graph. */
  readonly total: number;
  /** Deployed and processing their input. */
  readonly running: number;
  /**
   * Their input ended. They stay until every subtask's input has ended, answering checkpoint
   * triggers with their final state (Flink's checkpoints after tasks finished).
   */
  readonly finished: number;
}

/** One subtask's execution state; every change goes through {@link moveTo}. */
export class SubtaskExecution {
  #state: ExecutionState = 'deploying';

  get state(): ExecutionState {
    return this.#state;
  }

  /** Not final yet: deploying, running or finishing. */
  get active(): boolean {
    return EXECUTION_STATE_TRANSITIONS[this.#state].length > 0;
  }

  /** Moves to `to` if the table allows it; returns whether it moved. */
  moveTo(to: ExecutionState): boolean {
    if (!EXECUTION_STATE_TRANSITIONS[this.#state].includes(to)) return false;
    this.#state = to;
    return true;
  }
}
