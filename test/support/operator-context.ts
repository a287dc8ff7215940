// The context an operator or source gets in its subtask, for tests that build one without a
// runtime: a single streaming subtask unless `overrides` says otherwise.
import type { OperatorContext } from '../../src/operators/operator.ts';

export function operatorContext(overrides: Partial<OperatorContext> = {}): OperatorContext {
  return {
    operatorName: 'op',
    operatorUid: 'op-0',
    subtaskIndex: 0,
    parallelism: 1,
    maxParallelism: 128,
    runtimeMode: 'streaming',
    combinedInput: false,
    transactional: false,
    keyedState: undefined,
    sendToJobMaster: () => {},
    splitCursor: undefined,
    ...overrides,
  };
}
