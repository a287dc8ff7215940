// A job moves only along the status table, timestamps each status, and reports every move in order.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { IllegalStateTransitionError } from '../../../src/job/errors.ts';
import { JobLifecycle } from '../../../src/job/job-lifecycle.ts';
import { canTransition, JOB_STATUSES, type JobStatus } from '../../../src/job/job-status.ts';
import { ManualClock } from '../../../src/util/clock.ts';

const boom = new Error('boom');

function lifecycle() {
  const clock = new ManualClock(1000);
  const job = new JobLifecycle({ clock });
  const events: Array<[JobStatus, JobStatus, Error | undefined]> = [];
  job.on('status', (from, to, cause) => events.push([from, to, cause]));
  return { clock, job, events };
}

describe('JobLifecycle', () => {
  it('starts created, stamped with the clock', () => {
    const { job } = lifecycle();
    expect(job.status).toBe('created');
    expect(job.timestampOf('created')).toBe(1000);
    expect(job.timestampOf('running')).toBeUndefined();
    expect(job.terminal).toBe(false);
  });

  it('follows a failure, a restart and a finish, with timestamps, causes and a restart count', () => {
    const { clock, job, events } = lifecycle();
    job.transition('running');
    clock.advance(50);
    job.transition('failing', boom);
    clock.advance(5);
    job.transition('restarting');
    clock.advance(1000);
    job.transition('running');
    clock.advance(10);
    job.transition('finished');
    expect(events).toEqual([
      ['created', 'running', undefined],
      ['running', 'failing', boom],
      ['failing', 'restarting', undefined],
      ['restarting', 'running', undefined],
      ['running', 'finished', undefined],
    ]);
    expect([...job.timestamps]).toEqual([
      ['created', 1000],
      ['running', 2055], // last entry
      ['failing', 1050],
      ['restarting', 1055],
      ['finished', 2065],
    ]);
    expect(job.failureCause).toBe(boom);
    expect(job.restarts).toBe(1);
    expect(job.terminal).toBe(true);
  });

  it('rejects an illegal move with ERR_ILLEGAL_STATE_TRANSITION and changes nothing', () => {
    const { job, events } = lifecycle();
    job.transition('running');
    job.transition('finished');
    expect(() => job.transition('running')).toThrow(IllegalStateTransitionError);
    try {
      job.transition('cancelling');
    } catch (e) {
      expect(e).toMatchObject({
        code: 'ERR_ILLEGAL_STATE_TRANSITION',
        classification: 'internal',
        machine: 'job status',
        from: 'finished',
        to: 'cancelling',
      });
    }
    expect(job.status).toBe('finished');
    expect(events).toHaveLength(2);
  });

  it('answers canTransitionTo for requests that may come too late (cancel after finish)', () => {
    const { job } = lifecycle();
    expect(job.canTransitionTo('cancelled')).toBe(true);
    job.transition('running');
    expect(job.canTransitionTo('cancelled')).toBe(false);
    expect(job.canTransitionTo('cancelling')).toBe(true);
  });

  it('delivers events in transition order when a listener moves the job on', () => {
    const { job, events } = lifecycle();
    const seenByLate: Array<[JobStatus, JobStatus]> = [];
    job.on('status', (_from, to) => {
      if (to === 'failing') job.transition('failed', boom); // decided at once: not restartable
    });
    job.on('status', (from, to) => seenByLate.push([from, to]));
    job.transition('running');
    job.transition('failing', boom);
    expect(job.status).toBe('failed');
    expect(seenByLate).toEqual([
      ['created', 'running'],
      ['running', 'failing'],
      ['failing', 'failed'],
    ]);
    expect(events.map(([f, t]) => `${f}>${t}`)).toEqual([
      'created>running',
      'running>failing',
      'failing>failed',
    ]);
  });

  it('keeps notifying, and reports the error, when a listener throws', () => {
    const reported: unknown[] = [];
    const job = new JobLifecycle({ clock: new ManualClock(), onListenerError: (e) => reported.push(e) });
    const second = vi.fn();
    const oops = new Error('listener bug');
    job.on('status', () => {
      throw oops;
    });
    job.on('status', second);
    job.transition('running');
    expect(job.status).toBe('running');
    expect(second).toHaveBeenCalledWith('created', 'running', undefined);
    expect(reported).toEqual([oops]);
  });

  it('stops notifying a removed listener', () => {
    const { job } = lifecycle();
    const listener = vi.fn();
    const off = job.on('status', listener);
    job.transition('running');
    off();
    job.transition('cancelling');
    job.on('status', listener);
    job.off('status', listener);
    job.transition('cancelled');
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('resolves whenTerminal with the terminal status, also when asked afterwards', async () => {
    const { job } = lifecycle();
    const pending = job.whenTerminal();
    job.transition('running');
    job.transition('cancelling');
    job.transition('cancelled');
    await expect(pending).resolves.toBe('cancelled');
    await expect(job.whenTerminal()).resolves.toBe('cancelled');
    const late = new JobLifecycle({ clock: new ManualClock() });
    late.transition('failed', boom);
    await expect(late.whenTerminal()).resolves.toBe('failed');
  });

  it('accepts exactly the moves of the table on random walks (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...JOB_STATUSES), { maxLength: 30 }), (targets) => {
        const job = new JobLifecycle({ clock: new ManualClock() });
        let transitions = 0;
        job.on('status', () => transitions++);
        let accepted = 0;
        for (const to of targets) {
          const from = job.status;
          const legal = canTransition(from, to);
          if (legal) {
            job.transition(to as 'failing', boom);
            accepted++;
            expect(job.status).toBe(to);
          } else {
            expect(() => job.transition(to as 'failing', boom)).toThrow(IllegalStateTransitionError);
            expect(job.status).toBe(from);
          }
        }
        expect(transitions).toBe(accepted);
      }),
    );
  });
});
