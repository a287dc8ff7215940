// The context an operator or source gets in its subtask, for tests that build one without a
// runtime: a single streaming subtask unless `overrides` says otherwise.
import type { Collector } from '../../src/operators/functions.ts';
import type { OperatorContext, StreamOutput } from '../../src/operators/operator.ts';
import { ProcessingTimers } from '../../src/operators/time/processing-time-service.ts';

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
    recordTime: { current: undefined },
    processingTime: new ProcessingTimers(),
    ...overrides,
  };
}

/** An operator's output for tests: records to `collect`, watermarks and statuses dropped. */
export function streamOutput(collect: Collector<unknown>['collect']): StreamOutput {
  return { collect, emitWatermark: () => {}, emitWatermarkStatus: () => {} };
}
