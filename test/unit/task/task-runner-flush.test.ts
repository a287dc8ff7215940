// A subtask that runs out of work flushes its partial batches at once, not at the flush timeout; a
// source asleep on its rate limit takes a checkpoint trigger at once, not when its timer ends.
import { describe, expect, it, vi } from 'vitest';
import { ChannelWriter, createDoorbell, createRing, InputGate } from '../../../src/index.ts';
import type { Collector } from '../../../src/operators/functions.ts';
import type { SourceReader } from '../../../src/operators/operator.ts';
import { ProcessingTimers } from '../../../src/operators/time/processing-time-service.ts';
import type { OperatorChain } from '../../../src/task/operator-chain.ts';
import { TaskOutput } from '../../../src/task/task-output.ts';
import { NO_CHECKPOINTING, TaskRunner } from '../../../src/task/task-runner.ts';

/** A flush timeout no test outlives: only the idle flush can deliver a partial batch. */
const NEVER_MS = 1e9;

function outputTo(name: string) {
  const doorbell = createDoorbell();
  const ring = createRing({ capacity: 4096, name, doorbell });
  const output = new TaskOutput();
  const writer = new ChannelWriter(ring, { flushTimeoutMs: NEVER_MS });
  output.addEdge(
    [writer],
    { kind: 'forward' },
    {
      maxParallelism: 128,
      subtaskIndex: 0,
      parallelism: 1,
      consumer: { operatorName: 'consumer', operatorUid: 'consumer' },
      combine: null,
    },
  );
  return { output, downstream: new InputGate([ring]) };
}

function chain(head: Collector<unknown>, source?: SourceReader): OperatorChain {
  return {
    head: { collect: (r) => head.collect(r), emitWatermark: () => {}, emitWatermarkStatus: () => {} },
    operators: [],
    source,
    counts: [0],
    keyedBackends: new Map(),
    recordTime: { current: undefined },
    processingTimers: new ProcessingTimers(),
  };
}

/** Polls `gate` until it yields records, parking between polls (no sleeps). */
async function nextRecords(gate: InputGate): Promise<unknown[]> {
  for (;;) {
    const polled = gate.poll();
    if (polled?.event.kind === 'records') return polled.event.records;
    if (polled === null) await gate.waitForInput(50);
  }
}

describe('TaskRunner adaptive flush', () => {
  it('a source that has nothing more to emit flushes its partial batch before it sleeps', async () => {
    const { output, downstream } = outputTo('source-out');
    let polls = 0;
    const source: SourceReader = {
      poll(out) {
        if (polls++ === 0) {
          out.collect({ n: 1 });
          out.collect({ n: 2 });
          return 0;
        }
        return 20; // nothing due for 20 ms (as a rate limit says)
      },
      snapshotSplits: () => [],
      restoreSplits: () => {},
    };
    const runner = new TaskRunner(chain(output, source), undefined, output);
    const running = runner.run();
    try {
      expect(await nextRecords(downstream)).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      runner.cancel();
      await running;
    }
  });

  it('a task whose inputs are empty flushes what it emitted before it waits for input', async () => {
    const { output, downstream } = outputTo('task-out');
    const doorbell = createDoorbell();
    const input = createRing({ capacity: 4096, name: 'task-in', doorbell });
    const upstream = new ChannelWriter(input);
    upstream.emit({ n: 7 });
    upstream.flush();
    const runner = new TaskRunner(chain(output), new InputGate([input]), output);
    const running = runner.run();
    try {
      expect(await nextRecords(downstream)).toEqual([{ n: 7 }]);
    } finally {
      runner.cancel();
      await running;
    }
  });
});

describe('TaskRunner sources on a rate limit', () => {
  it('take a checkpoint trigger at once, not when the sleep of their rate limit ends', async () => {
    // Timers that never fire on their own: only a wake-up can end the source's sleep.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { output } = outputTo('sleepy-out');
      let asleep: () => void = () => {};
      const sleeping = new Promise<void>((resolve) => {
        asleep = resolve;
      });
      const source: SourceReader = {
        poll() {
          asleep();
          return 1e9; // nothing due for a long time
        },
        snapshotSplits: () => [],
        restoreSplits: () => {},
      };
      let pending = false;
      let handled: () => void = () => {};
      const triggered = new Promise<void>((resolve) => {
        handled = resolve;
      });
      const runner = new TaskRunner(chain(output, source), undefined, output, {
        ...NO_CHECKPOINTING,
        triggersPending: () => pending,
        handleTriggers: () => {
          pending = false;
          handled();
        },
      });
      const running = runner.run();
      await sleeping;
      pending = true;
      runner.wake();
      await triggered;
      runner.cancel();
      await running;
    } finally {
      vi.useRealTimers();
    }
  });
});
