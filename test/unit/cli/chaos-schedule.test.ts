// The chaos schedule is a pure function of seed, run and job profile: the same failures at the
// same records; every kind appears within four runs; faults stay inside what the job processed.
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, type JobProfile, scheduleRun } from '../../../src/cli/chaos/chaos-schedule.ts';

const profile: JobProfile = {
  operators: [
    { uid: 'numbers', parallelism: 2, records: 2000 },
    { uid: 'tag', parallelism: 2, records: 2000 },
    { uid: 'files', parallelism: 2, records: 2000 },
    { uid: 'idle', parallelism: 2, records: 1 },
  ],
  checkpoints: 5,
};

describe('chaos schedule', () => {
  it('is the same for the same seed and run, and differs between seeds', () => {
    for (let run = 1; run <= 20; run++)
      expect(scheduleRun(42, run, profile)).toEqual(scheduleRun(42, run, profile));
    const a = Array.from({ length: 8 }, (_, i) => scheduleRun(1, i + 1, profile));
    const b = Array.from({ length: 8 }, (_, i) => scheduleRun(2, i + 1, profile));
    expect(a).not.toEqual(b);
  });

  it('strikes only subtasks that received records, within what each received', () => {
    const skewed: JobProfile = {
      operators: [{ uid: 'count', parallelism: 3, records: 1000, bySubtask: [0, 900, 100] }],
      checkpoints: 2,
    };
    for (let run = 1; run <= 50; run++)
      for (const fault of scheduleRun(5, run, skewed)) {
        expect(fault.subtask).not.toBe(0);
        if ('atRecord' in fault) expect(fault.atRecord).toBeLessThanOrEqual(fault.subtask === 1 ? 810 : 90);
      }
  });

  it('cycles the first fault through every kind and keeps faults within the records seen', () => {
    const firsts = [1, 2, 3, 4].map((run) => scheduleRun(9, run, profile)[0]!.kind);
    expect(firsts).toEqual([...FAULT_KINDS]);
    for (let run = 1; run <= 50; run++)
      for (const fault of scheduleRun(9, run, profile)) {
        expect(fault.operatorUid).not.toBe('idle');
        expect(fault.subtask).toBeLessThan(2);
        if ('atRecord' in fault) expect(fault.atRecord).toBeLessThanOrEqual(900);
        else expect(fault.atCheckpoint).toBeLessThanOrEqual(3);
      }
  });
});
