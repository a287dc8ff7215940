// Runs keyed operators of one job at a parallelism without workers: one operator per subtask over
// its own keyed state backend (heap or embedded) and key-group range, a manual processing clock,
// records routed by key group, watermarks to every subtask. Snapshots (keyed and operator state)
// restore into a harness of any parallelism, as a restored job's subtasks would.
import { TimestampedRecord } from '../../src/channel/timestamped-record.ts';
import type { Key } from '../../src/operators/functions.ts';
import type { Operator, OperatorFactory } from '../../src/operators/operator.ts';
import { SideOutputRecord } from '../../src/operators/side-output.ts';
import { ProcessingTimers } from '../../src/operators/time/processing-time-service.ts';
import { keyGroupRangeForOperator, subtaskForKey } from '../../src/state/key-groups.ts';
import { type KeyedStateBackend, keyGroupsInRange } from '../../src/state/keyed-state-backend.ts';
import type { EncodedKeyedState } from '../../src/state/keyed-state-snapshot.ts';
import { createKeyedStateBackend } from '../../src/state/state-backend-options.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { operatorContext } from './operator-context.ts';

const MAX_PARALLELISM = 128;

/** A record an operator emitted, with its timestamp. */
export interface Emitted {
  readonly value: unknown;
  readonly timestamp: number | undefined;
}

/** What a harness's state was at a snapshot. */
export interface HarnessSnapshot {
  readonly keyed: EncodedKeyedState[];
  readonly operator: unknown[];
}

interface Subtask {
  readonly backend: KeyedStateBackend;
  readonly operator: Operator;
  readonly time: { current: number | undefined };
  readonly timers: ProcessingTimers;
}

export class KeyedOperatorHarness {
  /** Main output, in emission order. */
  readonly output: Emitted[] = [];
  /** Side outputs by tag id. */
  readonly side = new Map<string, Emitted[]>();
  /** Watermarks each subtask emitted. */
  readonly watermarks: number[][];
  readonly clock: ManualClock;
  readonly #subtasks: Subtask[];
  readonly #key: (record: unknown) => Key;

  private constructor(
    subtasks: Subtask[],
    key: (record: unknown) => Key,
    clock: ManualClock,
    watermarks: number[][],
  ) {
    this.#subtasks = subtasks;
    this.#key = key;
    this.clock = clock;
    this.watermarks = watermarks;
  }

  static async open(
    factory: OperatorFactory,
    key: (record: unknown) => Key,
    options: {
      parallelism?: number;
      backend?: 'heap' | 'embedded';
      restore?: HarnessSnapshot;
      clock?: ManualClock;
    } = {},
  ): Promise<KeyedOperatorHarness> {
    const parallelism = options.parallelism ?? 1;
    const clock = options.clock ?? new ManualClock(0);
    const watermarks: number[][] = [];
    const harness = new KeyedOperatorHarness([], key, clock, watermarks);
    for (let index = 0; index < parallelism; index++) {
      const keyGroupRange = keyGroupRangeForOperator(MAX_PARALLELISM, parallelism, index);
      const backend = createKeyedStateBackend(
        { type: options.backend ?? 'heap' },
        { maxParallelism: MAX_PARALLELISM, keyGroupRange, label: `harness-${index}` },
      );
      const time = { current: undefined as number | undefined };
      const timers = new ProcessingTimers(clock);
      const emitted: number[] = [];
      watermarks.push(emitted);
      const operator = factory(
        operatorContext({
          subtaskIndex: index,
          parallelism,
          keyedState: backend,
          recordTime: time,
          processingTime: timers,
        }),
        {
          collect: (record) => harness.#collect(record, time.current),
          emitWatermark: (timestamp) => emitted.push(timestamp),
          emitWatermarkStatus: () => {},
        },
      );
      await operator.open?.();
      if (options.restore) {
        await backend.restore(keyGroupsInRange(options.restore.keyed, keyGroupRange));
        const share = options.restore.operator.filter((_, i) => i % parallelism === index);
        if (share.length > 0) await operator.restoreState?.(share);
      }
      harness.#subtasks.push({ backend, operator, time, timers });
    }
    harness.#fireTimers();
    return harness;
  }

  /** Processes `record` with event time `timestamp` in the subtask that owns its key. */
  process(record: unknown, timestamp?: number): void {
    const subtask = this.#subtasks[subtaskForKey(this.#key(record), MAX_PARALLELISM, this.#subtasks.length)]!;
    subtask.time.current = timestamp;
    subtask.operator.process(record);
  }

  /** Event time advances to `timestamp` in every subtask. */
  watermark(timestamp: number): void {
    for (const subtask of this.#subtasks) subtask.operator.processWatermark?.(timestamp);
  }

  /** Processing time advances by `ms`; due timers fire. */
  advanceProcessingTime(ms: number): void {
    this.clock.advance(ms);
    this.#fireTimers();
  }

  /** Every subtask's state now. */
  async snapshot(): Promise<HarnessSnapshot> {
    return this.snapshotLater()();
  }

  /**
   * A checkpoint's synchronous part now (operator states, the backends' copy-on-write snapshots);
   * the function returned encodes it later, as the asynchronous part does while records flow.
   */
  snapshotLater(): () => Promise<HarnessSnapshot> {
    const taken = this.#subtasks.map((subtask) => ({
      operator: subtask.operator.snapshotState?.(1) ?? null,
      keyed: subtask.backend.snapshot(),
    }));
    return async () => {
      const keyed: EncodedKeyedState[] = [];
      for (const t of taken) keyed.push(await t.keyed.encode());
      return { keyed, operator: taken.map((t) => t.operator) };
    };
  }

  /** Values of the main output (in order). */
  values(): unknown[] {
    return this.output.map((e) => e.value);
  }

  dispose(): void {
    for (const subtask of this.#subtasks) subtask.backend.dispose();
  }

  #fireTimers(): void {
    for (const subtask of this.#subtasks) subtask.timers.fireDue();
  }

  #collect(record: unknown, timestamp: number | undefined): void {
    if (record instanceof TimestampedRecord) throw new Error('operators emit values, not wrapped records');
    if (record instanceof SideOutputRecord) {
      const list = this.side.get(record.tag) ?? [];
      list.push({ value: record.value, timestamp });
      this.side.set(record.tag, list);
    } else this.output.push({ value: record, timestamp });
  }
}
