// The coordinator ends every checkpoint exactly once, commits metadata before it notifies, counts only
// the failures that count, and never deletes what a retained or pending checkpoint needs.
import { describe, expect, it } from 'vitest';
import { CheckpointFailuresExceededError } from '../../../src/checkpoint/errors.ts';
import { MAX_QUEUED_REQUESTS } from '../../../src/checkpoint/trigger-pacer.ts';
import { InvalidOptionError } from '../../../src/errors.ts';
import { ackFrom, inline, setup, TASKS } from './harness.ts';

const [SOURCE, CHAIN0, CHAIN1] = TASKS as [(typeof TASKS)[0], (typeof TASKS)[0], (typeof TASKS)[0]];
/** A handle reusing a file of checkpoint 1 (as an incremental snapshot would). */
const REUSED = {
  kind: 'file',
  path: '../chk-1/src-0-keyed.state',
  bytes: 1,
  checksum: inline('x').checksum,
} as const;

describe('CheckpointCoordinator: triggering', () => {
  it('hands out strictly increasing ids to periodic and manual checkpoints', async () => {
    const { coordinator, scheduler, gateway, ackAll } = setup({ intervalMs: 10, maxConcurrent: 5 });
    coordinator.start();
    scheduler.advance(10);
    void coordinator.triggerCheckpoint();
    scheduler.advance(10);
    void coordinator.triggerCheckpoint({ savepoint: true });
    expect(gateway.triggered.map((t) => t.id)).toEqual([1, 2, 3, 4]);
    await ackAll(4);
    expect(coordinator.pendingCheckpointIds()).toEqual([]);
  });

  it('starts from a restored id', () => {
    const { coordinator, gateway } = setup({}, { firstCheckpointId: 42 });
    void coordinator.triggerCheckpoint();
    expect(gateway.triggered[0]?.id).toBe(42);
  });

  it('triggers every 10 ms on the manual clock, and not at all once stopped', async () => {
    const { coordinator, scheduler, gateway, ackAll } = setup({ intervalMs: 10 });
    coordinator.start();
    scheduler.advance(9);
    expect(gateway.triggered).toHaveLength(0);
    scheduler.advance(1);
    expect(gateway.triggered).toHaveLength(1);
    await ackAll(1);
    scheduler.advance(10);
    expect(gateway.triggered.map((t) => t.id)).toEqual([1, 2]);
    expect(gateway.triggered[0]?.options).toEqual({
      savepoint: false,
      unaligned: false,
      mode: 'exactly-once',
    });
    coordinator.stop();
    await ackAll(2);
    scheduler.advance(1000);
    expect(gateway.triggered).toHaveLength(2);
  });

  it('queues manual requests while max concurrent checkpoints run, and triggers them in turn', async () => {
    const { coordinator, gateway, ackAll } = setup();
    const first = coordinator.triggerCheckpoint();
    const second = coordinator.triggerCheckpoint({ savepoint: true });
    const third = coordinator.triggerCheckpoint();
    expect(gateway.triggered.map((t) => t.id)).toEqual([1]);
    await ackAll(1);
    expect((await first).status).toBe('completed');
    expect(gateway.triggered.map((t) => [t.id, t.options.savepoint])).toEqual([
      [1, false],
      [2, true],
    ]);
    await ackAll(2);
    expect(await second).toMatchObject({ status: 'completed', checkpoint: { savepoint: true } });
    await ackAll(3);
    expect((await third).status).toBe('completed');
  });

  it('refuses manual requests beyond the bounded queue instead of growing it', async () => {
    const { coordinator } = setup();
    for (let i = 0; i <= MAX_QUEUED_REQUESTS; i++) void coordinator.triggerCheckpoint();
    expect(await coordinator.triggerCheckpoint()).toMatchObject({
      status: 'failed',
      reason: 'too-many-requests',
    });
    coordinator.abortAll('job-shutdown');
  });

  it('rejects invalid trigger requests naming the option', async () => {
    const { coordinator } = setup();
    await expect(coordinator.triggerCheckpoint({ targetDir: '/x' })).rejects.toThrow(/targetDir/);
    await expect(coordinator.triggerCheckpoint({ targetDir: '/x' })).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
  });

  it('fails a checkpoint whose sources cannot be triggered, without counting it', async () => {
    const { coordinator, gateway } = setup();
    gateway.failTrigger = true;
    const outcome = await coordinator.triggerCheckpoint();
    expect(outcome).toMatchObject({ status: 'failed', reason: 'trigger-failed' });
    expect(gateway.jobFailures).toEqual([]);
  });
});

describe('CheckpointCoordinator: acknowledgements', () => {
  it('says success, duplicate, unknown or discarded, and never throws', async () => {
    const { coordinator, clock, scheduler } = setup({ timeoutMs: 100, tolerableFailures: 5 });
    void coordinator.triggerCheckpoint();
    expect(coordinator.acknowledge(ackFrom(1, SOURCE))).toBe('success');
    expect(coordinator.acknowledge(ackFrom(1, SOURCE))).toBe('duplicate');
    expect(coordinator.acknowledge(ackFrom(1, { vertexId: 'chain', subtask: 7 }))).toBe('unknown');
    expect(coordinator.acknowledge(ackFrom(99, SOURCE))).toBe('unknown');
    scheduler.advance(100);
    expect(clock.now()).toBe(1100);
    expect(coordinator.acknowledge(ackFrom(1, CHAIN0))).toBe('discarded');
  });

  it('answers malformed messages with a value instead of throwing', () => {
    const { coordinator } = setup();
    void coordinator.triggerCheckpoint();
    const garbage = { checkpointId: 1, task: null } as unknown as Parameters<
      typeof coordinator.acknowledge
    >[0];
    expect(coordinator.acknowledge(garbage)).toBe('unknown');
    const noOps = { ...ackFrom(1, SOURCE), operators: [null] } as unknown as typeof garbage;
    expect(coordinator.acknowledge(noOps)).toBe('discarded');
  });

  it('treats an ack naming an operator outside the task as a failed checkpoint', async () => {
    const { coordinator } = setup({ tolerableFailures: 1 });
    const outcome = coordinator.triggerCheckpoint();
    const bad = ackFrom(1, CHAIN0, { operators: [{ operatorUid: 'src', keyed: inline('x') }] });
    expect(coordinator.acknowledge(bad)).toBe('discarded');
    expect(await outcome).toMatchObject({ status: 'failed', reason: 'declined' });
  });
});

describe('CheckpointCoordinator: completion', () => {
  it('writes the metadata before it notifies completion, then completes the outcome', async () => {
    const { coordinator, log, ackAll } = setup();
    const outcome = coordinator.triggerCheckpoint();
    await ackAll(1);
    expect(log).toEqual(['trigger 1', 'commit-start 1', 'commit 1', 'notify-complete 1']);
    const result = await outcome;
    expect(result.status).toBe('completed');
    if (result.status !== 'completed') return;
    expect(result.checkpoint.pointer).toBe('memory:chk-1');
    const ops = result.checkpoint.metadata.operators.map((o) => [o.operatorUid, o.parallelism]);
    expect(ops).toEqual([
      ['src', 1],
      ['map', 2],
      ['sum', 2],
    ]);
    expect(coordinator.latestCompleted()?.checkpointId).toBe(1);
  });

  it('does not complete before the last ack arrives', async () => {
    const { coordinator, log } = setup();
    void coordinator.triggerCheckpoint();
    coordinator.acknowledge(ackFrom(1, SOURCE));
    coordinator.acknowledge(ackFrom(1, CHAIN1));
    await coordinator.settled();
    expect(log).toEqual(['trigger 1']);
  });

  it('a newer completed checkpoint subsumes older pending ones, which does not count as failure', async () => {
    const { coordinator, gateway, ackAll } = setup({ maxConcurrent: 2 });
    const older = coordinator.triggerCheckpoint();
    void coordinator.triggerCheckpoint();
    coordinator.acknowledge(ackFrom(1, SOURCE));
    await ackAll(2);
    expect(await older).toMatchObject({ status: 'failed', reason: 'subsumed' });
    expect(gateway.aborted).toEqual([{ id: 1, reason: 'subsumed' }]);
    expect(gateway.jobFailures).toEqual([]);
    expect(coordinator.acknowledge(ackFrom(1, CHAIN0))).toBe('discarded');
  });

  it('a failed metadata write fails the checkpoint (storage-failed) and discards its state', async () => {
    const { coordinator, storage, gateway, log, ackAll } = setup({ tolerableFailures: 1 });
    storage.failNextCommit = true;
    const outcome = coordinator.triggerCheckpoint();
    await ackAll(1);
    const result = await outcome;
    expect(result).toMatchObject({ status: 'failed', reason: 'storage-failed' });
    if (result.status === 'failed') expect(result.error.code).toBe('ERR_CHECKPOINT_STORAGE');
    expect(log).toContain('discard-pending 1');
    expect(gateway.completed).toEqual([]);
    expect(coordinator.latestCompleted()).toBeUndefined();
  });

  it('an abort during the metadata write discards the written checkpoint: never reported complete', async () => {
    const { coordinator, storage, gateway, log, ackAll } = setup();
    storage.holdCommits = true;
    const outcome = coordinator.triggerCheckpoint();
    const acked = ackAll(1);
    await Promise.resolve();
    coordinator.abortAll('task-failure', new Error('worker exited'));
    storage.releaseCommits();
    await acked;
    expect(await outcome).toMatchObject({ status: 'failed', reason: 'task-failure' });
    expect(log).toEqual([
      'trigger 1',
      'commit-start 1',
      'commit 1',
      'discard 1',
      'notify-aborted 1 task-failure',
    ]);
    expect(gateway.completed).toEqual([]);
    expect(coordinator.latestCompleted()).toBeUndefined();
    expect((await storage.list()).checkpoints).toEqual([]);
  });
});

describe('CheckpointCoordinator: failures', () => {
  it('a decline aborts the checkpoint, notifies the tasks and, with none tolerated, fails the job', async () => {
    const { coordinator, gateway } = setup();
    const outcome = coordinator.triggerCheckpoint();
    const declined = coordinator.decline({
      checkpointId: 1,
      task: CHAIN1,
      reason: 'snapshot-failed',
      error: { message: 'serializer exploded', classification: 'user' },
    });
    expect(declined).toBe('aborted');
    const result = await outcome;
    expect(result).toMatchObject({ status: 'failed', reason: 'declined' });
    if (result.status === 'failed') {
      expect(result.error.code).toBe('ERR_CHECKPOINT_DECLINED');
      expect(result.error.classification).toBe('user');
    }
    expect(gateway.aborted).toEqual([{ id: 1, reason: 'declined' }]);
    const failure = gateway.jobFailures[0];
    expect(failure).toBeInstanceOf(CheckpointFailuresExceededError);
    expect(failure?.code).toBe('ERR_CHECKPOINT_FAILURES_EXCEEDED');
    expect(failure?.classification).toBe('user');
    expect((failure as CheckpointFailuresExceededError).lastFailure.reason).toBe('declined');
  });

  it('a checkpoint not acknowledged within the timeout expires', async () => {
    const { coordinator, scheduler, gateway } = setup({ timeoutMs: 500, tolerableFailures: 1 });
    const outcome = coordinator.triggerCheckpoint();
    coordinator.acknowledge(ackFrom(1, SOURCE));
    scheduler.advance(499);
    expect(coordinator.pendingCheckpointIds()).toEqual([1]);
    scheduler.advance(1);
    const result = await outcome;
    expect(result).toMatchObject({ status: 'failed', reason: 'expired' });
    if (result.status === 'failed') {
      expect(result.error.code).toBe('ERR_CHECKPOINT_EXPIRED');
      expect(result.error.message).toMatch(/chain#0, chain#1/);
    }
    expect(gateway.jobFailures).toEqual([]);
  });

  it('fails the job only when consecutive counted failures exceed the tolerable number', async () => {
    const { coordinator, scheduler, gateway, ackAll } = setup({ timeoutMs: 100, tolerableFailures: 2 });
    const expire = async () => {
      const outcome = coordinator.triggerCheckpoint();
      scheduler.advance(100);
      return outcome;
    };
    await expire();
    await expire();
    void coordinator.triggerCheckpoint();
    await ackAll(3); // a completed checkpoint resets the count
    await expire();
    await expire();
    expect(gateway.jobFailures).toEqual([]);
    await expire();
    expect(gateway.jobFailures.map((e) => e.code)).toEqual(['ERR_CHECKPOINT_FAILURES_EXCEEDED']);
  });

  it('declines that say the task was not ready, and failed savepoints, do not count', async () => {
    const { coordinator, gateway } = setup();
    void coordinator.triggerCheckpoint();
    coordinator.decline({
      checkpointId: 1,
      task: SOURCE,
      reason: 'task-not-ready',
      error: { message: 'deploying' },
    });
    void coordinator.triggerCheckpoint({ savepoint: true });
    coordinator.decline({
      checkpointId: 2,
      task: SOURCE,
      reason: 'snapshot-failed',
      error: { message: 'x' },
    });
    await coordinator.settled();
    expect(gateway.aborted.map((a) => a.reason)).toEqual(['declined-task-not-ready', 'declined']);
    expect(gateway.jobFailures).toEqual([]);
  });

  it('a task failure aborts pending checkpoints and queued requests alike', async () => {
    const { coordinator, gateway } = setup();
    const running = coordinator.triggerCheckpoint();
    const queued = coordinator.triggerCheckpoint({ savepoint: true });
    coordinator.failTask(CHAIN0, new Error('boom'));
    expect(await running).toMatchObject({ status: 'failed', reason: 'task-failure' });
    expect(await queued).toMatchObject({ status: 'failed', reason: 'task-failure' });
    expect(coordinator.pendingCheckpointIds()).toEqual([]);
    expect(gateway.triggered.map((t) => t.id)).toEqual([1]);
    expect(gateway.jobFailures).toEqual([]);
  });

  it('abortAll aborts pending checkpoints and refuses queued requests with its reason', async () => {
    const { coordinator } = setup();
    const running = coordinator.triggerCheckpoint();
    const queued = coordinator.triggerCheckpoint();
    coordinator.abortAll('coordinator-suspended');
    expect(await running).toMatchObject({ status: 'failed', reason: 'coordinator-suspended' });
    expect(await queued).toMatchObject({ status: 'failed', reason: 'coordinator-suspended' });
  });

  it('after shutdown, pending checkpoints are aborted and new requests refused', async () => {
    const { coordinator } = setup({ intervalMs: 10 });
    coordinator.start();
    const pending = coordinator.triggerCheckpoint();
    await coordinator.shutdown();
    expect(await pending).toMatchObject({ status: 'failed', reason: 'job-shutdown' });
    expect(await coordinator.triggerCheckpoint()).toMatchObject({ status: 'failed', reason: 'job-shutdown' });
    expect(() => coordinator.start()).toThrow(/shut-down/);
  });
});

describe('CheckpointCoordinator: retention', () => {
  it('keeps the newest N completed checkpoints and deletes older ones', async () => {
    const { coordinator, log, ackAll } = setup({ retained: 2 });
    for (let id = 1; id <= 4; id++) {
      void coordinator.triggerCheckpoint();
      await ackAll(id);
    }
    expect(log.filter((l) => l.startsWith('discard '))).toEqual(['discard 1', 'discard 2']);
    expect(log.indexOf('discard 1')).toBeGreaterThan(log.indexOf('notify-complete 3'));
    expect(coordinator.latestCompleted()?.checkpointId).toBe(4);
  });

  it('never deletes a checkpoint whose files a pending or retained checkpoint reuses', async () => {
    const { coordinator, log, ackAll } = setup({ retained: 1, maxConcurrent: 2 });
    void coordinator.triggerCheckpoint();
    await ackAll(1);
    void coordinator.triggerCheckpoint(); // 2 will be subsumed by 3
    void coordinator.triggerCheckpoint(); // 3: its source reuses a file of checkpoint 1
    coordinator.acknowledge(ackFrom(3, SOURCE, { operators: [{ operatorUid: 'src', keyed: REUSED }] }));
    coordinator.acknowledge(ackFrom(3, CHAIN0));
    coordinator.acknowledge(ackFrom(3, CHAIN1));
    await coordinator.settled();
    // 3 is now the one retained checkpoint; 1 has retired but 3 reuses its file, so 1 stays.
    expect(log.filter((l) => l.startsWith('discard '))).toEqual([]);
    void coordinator.triggerCheckpoint(); // 4 reuses nothing: 3 retires, and 1 with it
    await ackAll(4);
    expect(log.filter((l) => l.startsWith('discard ')).sort()).toEqual(['discard 1', 'discard 3']);
  });

  it('keeps a retired checkpoint while a pending checkpoint references it', async () => {
    const { coordinator, log, ackAll } = setup({ retained: 1, maxConcurrent: 2 });
    void coordinator.triggerCheckpoint();
    await ackAll(1);
    void coordinator.triggerCheckpoint(); // 2
    void coordinator.triggerCheckpoint(); // 3 references 1 while pending
    coordinator.acknowledge(ackFrom(3, SOURCE, { operators: [{ operatorUid: 'src', keyed: REUSED }] }));
    await ackAll(2); // 1 retires, but pending 3 needs it
    expect(log.filter((l) => l.startsWith('discard '))).toEqual([]);
    coordinator.decline({ checkpointId: 3, task: CHAIN0, reason: 'task-closing', error: { message: 'bye' } });
    await coordinator.settled();
    expect(log.filter((l) => l.startsWith('discard '))).toEqual(['discard 1']);
    expect(log.indexOf('discard 1')).toBeGreaterThan(log.indexOf('notify-aborted 3 declined-task-closing'));
  });

  it('never deletes savepoints, nor counts them as retained', async () => {
    const { coordinator, log, ackAll } = setup({ retained: 1 });
    void coordinator.triggerCheckpoint({ savepoint: true });
    await ackAll(1);
    for (let id = 2; id <= 4; id++) {
      void coordinator.triggerCheckpoint();
      await ackAll(id);
    }
    expect(log.filter((l) => l.startsWith('discard '))).toEqual(['discard 2', 'discard 3']);
  });
});
