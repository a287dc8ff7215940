// A pending checkpoint takes each task's ack once, reports every other ack as a value, and ends once.
import { describe, expect, it } from 'vitest';
import { CheckpointFailedError } from '../../../src/checkpoint/errors.ts';
import { PendingCheckpoint } from '../../../src/checkpoint/pending-checkpoint.ts';
import { ackFrom, TASKS } from './harness.ts';

const pending = () => new PendingCheckpoint(5, 1_700_000_000_000, 100, TASKS, { savepoint: false });

describe('PendingCheckpoint', () => {
  it('collects one ack per task and knows when it is fully acknowledged', () => {
    const p = pending();
    expect(p.totalTasks).toBe(3);
    for (const task of TASKS) {
      expect(p.isFullyAcknowledged).toBe(false);
      expect(p.acknowledge(ackFrom(5, task))).toBe('success');
    }
    expect(p.isFullyAcknowledged).toBe(true);
    expect(p.acknowledgedTasks).toBe(3);
  });

  it('reports duplicates, unknown tasks and other checkpoints as values', () => {
    const p = pending();
    expect(p.acknowledge(ackFrom(5, TASKS[0]!))).toBe('success');
    expect(p.acknowledge(ackFrom(5, TASKS[0]!))).toBe('duplicate');
    expect(p.acknowledge(ackFrom(5, { vertexId: 'nope', subtask: 0 }))).toBe('unknown');
    expect(p.acknowledge(ackFrom(6, TASKS[1]!))).toBe('unknown');
    expect(p.awaitingTasks()).toEqual(['chain#0', 'chain#1']);
  });

  it('once aborted, discards acks and resolves its outcome as failed with the reason', async () => {
    const p = pending();
    const error = new CheckpointFailedError(5, 'expired');
    expect(p.abort('expired', error)).toBe('aborted');
    expect(p.abort('declined', new CheckpointFailedError(5, 'declined'))).toBe('ended');
    expect(p.acknowledge(ackFrom(5, TASKS[0]!))).toBe('discarded');
    expect(await p.outcome).toEqual({ status: 'failed', reason: 'expired', error });
    expect(p.status).toBe('aborted');
  });

  it('defers an abort that arrives while finalizing', () => {
    const p = pending();
    for (const task of TASKS) p.acknowledge(ackFrom(5, task));
    expect(p.startFinalizing()).toBe(true);
    expect(p.acknowledge(ackFrom(5, TASKS[0]!))).toBe('discarded');
    expect(p.abort('task-failure', new CheckpointFailedError(5, 'task-failure'))).toBe('deferred');
    expect(p.abortRequest?.reason).toBe('task-failure');
    expect(p.status).toBe('finalizing');
  });

  it('cannot start finalizing before every task acknowledged, nor complete from collecting', () => {
    const p = pending();
    expect(p.startFinalizing()).toBe(false);
    expect(() => p.failFinalization('expired', new CheckpointFailedError(5, 'expired'))).toThrow(
      /cannot go from/,
    );
  });
});
