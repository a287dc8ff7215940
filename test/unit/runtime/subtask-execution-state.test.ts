// A subtask's execution state moves only along its table: forward to one final state, and a report
// that does not fit the state (a late message from a terminated thread) changes nothing.
import { describe, expect, it } from 'vitest';
import {
  EXECUTION_STATE_TRANSITIONS,
  type ExecutionState,
  SubtaskExecution,
} from '../../../src/runtime/subtask-execution-state.ts';

const STATES = Object.keys(EXECUTION_STATE_TRANSITIONS) as ExecutionState[];

/** A subtask execution walked along `path` from `deploying`. */
function walked(...path: ExecutionState[]): SubtaskExecution {
  const execution = new SubtaskExecution();
  for (const state of path) expect(execution.moveTo(state)).toBe(true);
  return execution;
}

describe('subtask execution state', () => {
  it('has finished, failed and cancelled as its only final states', () => {
    expect(STATES.filter((s) => EXECUTION_STATE_TRANSITIONS[s].length === 0)).toEqual([
      'finished',
      'failed',
      'cancelled',
    ]);
  });

  it('lets every active state fail or be cancelled, and never goes back', () => {
    const order = STATES;
    for (const from of STATES) {
      const targets = EXECUTION_STATE_TRANSITIONS[from];
      for (const to of targets) expect(order.indexOf(to)).toBeGreaterThan(order.indexOf(from));
      if (targets.length > 0) expect(targets).toEqual(expect.arrayContaining(['failed', 'cancelled']));
    }
  });

  it('starts deploying and is active until a final state', () => {
    const execution = new SubtaskExecution();
    expect(execution.state).toBe('deploying');
    expect(execution.active).toBe(true);
    expect(walked('running', 'finishing').active).toBe(true);
    expect(walked('running', 'finishing', 'finished').active).toBe(false);
  });

  it('finishes without finishing when it has no checkpointing (a stage of a batch job)', () => {
    expect(walked('running', 'finished').state).toBe('finished');
  });

  it('refuses a move the table does not list and stays where it was', () => {
    const deploying = new SubtaskExecution();
    expect(deploying.moveTo('finishing')).toBe(false);
    expect(deploying.moveTo('finished')).toBe(false);
    expect(deploying.state).toBe('deploying');
    const running = walked('running');
    expect(running.moveTo('running')).toBe(false);
    expect(running.state).toBe('running');
  });

  it('ignores every report once final: a terminated thread cannot revive its subtask', () => {
    for (const final of ['finished', 'failed', 'cancelled'] as const) {
      const execution = walked('running', final);
      for (const to of STATES) expect(execution.moveTo(to)).toBe(false);
      expect(execution.state).toBe(final);
    }
  });
});
