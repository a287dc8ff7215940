// The worker side of failure injection: an operator no fault targets keeps its own input (no
// per-record cost); a targeted one fires at its record, once across every attempt, reporting first.
import { describe, expect, it } from 'vitest';
import type { StreamOutput } from '../../../src/operators/operator.ts';
import type { InjectedFault } from '../../../src/runtime/protocol.ts';
import { FaultInjector } from '../../../src/task/fault-injector.ts';

function input(seen: unknown[]): StreamOutput {
  return { collect: (r) => seen.push(r), emitWatermark: () => {}, emitWatermarkStatus: () => {} };
}

function injector(faults: InjectedFault[], subtask: number, reported: number[], fired?: SharedArrayBuffer) {
  return new FaultInjector(
    { faults, fired: fired ?? new SharedArrayBuffer(4 * faults.length) },
    subtask,
    (fault) => reported.push(fault),
  );
}

describe('FaultInjector', () => {
  const faults: InjectedFault[] = [
    { kind: 'throw', operatorUid: 'map', subtask: 1, atRecord: 3 },
    { kind: 'fail-checkpoint-async', operatorUid: 'sink', subtask: 1, atCheckpoint: 2 },
  ];

  it('leaves operators and subtasks no fault targets untouched', () => {
    const target = input([]);
    expect(injector(faults, 1, []).wrap('other', target)).toBe(target);
    expect(injector(faults, 0, []).wrap('map', target)).toBe(target);
    expect(injector(faults, 0, []).checkpointHook(['map', 'sink'])).toBeUndefined();
  });

  it('throws at the record, reported first, and only once across attempts', () => {
    const fired = new SharedArrayBuffer(8);
    const reported: number[] = [];
    const seen: unknown[] = [];
    const first = injector(faults, 1, reported, fired).wrap('map', input(seen));
    first.collect('a');
    first.collect('b');
    expect(() => first.collect('c')).toThrow(expect.objectContaining({ code: 'ERR_INJECTED_FAILURE' }));
    expect(reported).toEqual([0]);
    expect(seen).toEqual(['a', 'b']);
    // The next attempt (a new injector over the same flags) gets past record 3.
    const second = injector(faults, 1, reported, fired).wrap('map', input(seen));
    for (const r of ['a', 'b', 'c', 'd']) second.collect(r);
    expect(reported).toEqual([0]);
  });

  it('fails the asynchronous part of the n-th checkpoint', () => {
    const reported: number[] = [];
    const hook = injector(faults, 1, reported).checkpointHook(['source', 'sink'])!;
    hook();
    expect(() => hook()).toThrow(expect.objectContaining({ code: 'ERR_INJECTED_FAILURE' }));
    expect(reported).toEqual([1]);
  });
});
