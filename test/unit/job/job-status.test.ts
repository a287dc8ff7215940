// The job status table is closed, has exactly three terminal statuses, and every status can reach one.
import { describe, expect, it } from 'vitest';
import {
  canTransition,
  isTerminalStatus,
  JOB_STATUS_TRANSITIONS,
  JOB_STATUSES,
  type JobStatus,
} from '../../../src/job/job-status.ts';

describe('job status transitions', () => {
  it('lists the eight statuses of Flink JobStatus that weir uses', () => {
    expect(JOB_STATUSES).toEqual([
      'created',
      'running',
      'failing',
      'restarting',
      'cancelling',
      'finished',
      'failed',
      'cancelled',
    ]);
  });

  it('has finished, failed and cancelled as its only terminal statuses', () => {
    expect(JOB_STATUSES.filter(isTerminalStatus)).toEqual(['finished', 'failed', 'cancelled']);
  });

  it('only names known statuses and never loops a status onto itself', () => {
    for (const [from, targets] of Object.entries(JOB_STATUS_TRANSITIONS)) {
      for (const to of targets) {
        expect(JOB_STATUSES).toContain(to);
        expect(to).not.toBe(from);
      }
    }
  });

  it('lets every non-terminal status be cancelled, and fail unless already cancelling', () => {
    const reachable = (from: JobStatus): Set<JobStatus> => {
      const seen = new Set<JobStatus>([from]);
      for (const s of seen) for (const t of JOB_STATUS_TRANSITIONS[s]) seen.add(t);
      return seen;
    };
    for (const status of JOB_STATUSES) {
      if (isTerminalStatus(status)) continue;
      expect(reachable(status).has('cancelled')).toBe(true);
      expect(reachable(status).has('failed')).toBe(status !== 'cancelling');
    }
  });

  it('routes failures through failing and cancels through cancelling once running', () => {
    expect(canTransition('running', 'failed')).toBe(false);
    expect(canTransition('running', 'cancelled')).toBe(false);
    expect(canTransition('running', 'restarting')).toBe(false);
    expect(canTransition('failing', 'running')).toBe(false);
    expect(canTransition('restarting', 'running')).toBe(true);
    expect(canTransition('cancelling', 'failed')).toBe(false);
    expect(canTransition('finished', 'running')).toBe(false);
  });
});
