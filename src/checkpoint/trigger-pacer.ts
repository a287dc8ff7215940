/**
 * Paces checkpoint triggers for the coordinator: holds the queue of manual requests (bounded, see
 * {@link MAX_QUEUED_REQUESTS}), the periodic schedule and the one timer, asks the pure
 * {@link CheckpointRequestDecider} what to do whenever something changed ({@link TriggerPacer.poke}),
 * and calls back into the coordinator to trigger. Decisions stay apart from effects: the decider
 * decides, this carries out, the coordinator owns the checkpoints.
 *
 * Re-entrancy: triggering calls the gateway, which may call the coordinator back synchronously
 * (a test gateway acknowledging at once, say), which pokes again. A poke during a poke only marks
 * that another round is needed, so decisions never interleave.
 *
 * Thread: the main thread (owned by the coordinator).
 */
import type { Clock } from '../util/clock.ts';
import type { Cancel, Scheduler } from '../util/scheduler.ts';
import type { CheckpointOutcome, CheckpointProperties, PendingCheckpoint } from './pending-checkpoint.ts';
import type { CheckpointDecision, CheckpointRequestDecider } from './request-decider.ts';

/** Manual requests waiting for a slot, at most (Flink's default); more are refused. */
export const MAX_QUEUED_REQUESTS = 1000;

/** What the pacer needs from the coordinator. */
export interface TriggerPacerHost {
  /** Checkpoints in progress, including those being committed. */
  pendingCount(): number;
  /** Triggers a checkpoint now. */
  trigger(properties: CheckpointProperties): PendingCheckpoint;
}

interface QueuedRequest {
  readonly properties: CheckpointProperties;
  readonly deliver: (outcome: CheckpointOutcome) => void;
}

/** Decides, through the decider, when the coordinator triggers. */
export class TriggerPacer {
  readonly #decider: CheckpointRequestDecider;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #host: TriggerPacerHost;
  readonly #queue: QueuedRequest[] = [];
  #periodicSince: number | undefined;
  #lastEndedAt: number | undefined;
  #timer: { readonly at: number; readonly cancel: Cancel } | undefined;
  #closed = false;
  #poking = false;
  #pokeAgain = false;

  constructor(decider: CheckpointRequestDecider, clock: Clock, scheduler: Scheduler, host: TriggerPacerHost) {
    this.#decider = decider;
    this.#clock = clock;
    this.#scheduler = scheduler;
    this.#host = host;
  }

  /** Manual requests waiting. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Periodic triggers on; the first is due one interval from now. */
  startPeriodic(): void {
    this.#periodicSince ??= this.#clock.now();
  }

  /** Periodic triggers off. */
  stopPeriodic(): void {
    this.#periodicSince = undefined;
  }

  /**
   * Queues a manual request; resolves with its outcome once triggered and ended. `false` when the
   * queue is full or the pacer is closed (the caller refuses the request).
   */
  request(properties: CheckpointProperties): Promise<CheckpointOutcome> | false {
    if (this.#closed || this.#queue.length >= MAX_QUEUED_REQUESTS) return false;
    return new Promise((deliver) => {
      this.#queue.push({ properties, deliver });
    });
  }

  /** Removes every queued request, resolving each with `outcome`. */
  refuseQueued(outcome: () => CheckpointOutcome): void {
    for (const request of this.#queue.splice(0)) request.deliver(outcome());
  }

  /** A checkpoint ended now (the minimum pause runs from here). */
  checkpointEnded(): void {
    this.#lastEndedAt = this.#clock.now();
  }

  /** No more triggers, ever; the timer is cancelled. */
  close(): void {
    this.#closed = true;
    this.#periodicSince = undefined;
    this.#cancelTimer();
  }

  /** Something changed: trigger what may be triggered now, and arm the timer for what is due later. */
  poke(): void {
    if (this.#poking) {
      this.#pokeAgain = true;
      return;
    }
    this.#poking = true;
    try {
      do {
        this.#pokeAgain = false;
        this.#round();
      } while (this.#pokeAgain);
    } finally {
      this.#poking = false;
    }
  }

  #round(): void {
    for (;;) {
      const decision: CheckpointDecision = this.#closed
        ? { kind: 'idle' }
        : this.#decider.decide({
            pendingCount: this.#host.pendingCount(),
            queuedManual: this.#queue.length,
            periodicSince: this.#periodicSince,
            lastEndedAt: this.#lastEndedAt,
          });
      if (decision.kind === 'wait-until') {
        this.#armTimer(decision.time);
        return;
      }
      if (decision.kind !== 'trigger') {
        this.#cancelTimer();
        return;
      }
      if (decision.request === 'manual') {
        const request = this.#queue.shift()!;
        void this.#host.trigger(request.properties).outcome.then(request.deliver);
      } else {
        this.#periodicSince = this.#clock.now();
        this.#host.trigger({ savepoint: false });
      }
    }
  }

  #armTimer(at: number): void {
    if (this.#timer?.at === at) return;
    this.#cancelTimer();
    const cancel = this.#scheduler.schedule(Math.max(0, at - this.#clock.now()), () => {
      this.#timer = undefined;
      this.poke();
    });
    this.#timer = { at, cancel };
  }

  #cancelTimer(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
