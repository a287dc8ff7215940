/**
 * Keyed operators: rolling reduce (also behind sum/min/max), count, and keyed process functions. Each
 * sets the current key on its subtask's keyed state backend before calling user code, so that
 * state is scoped to the record's key and stored in the key's key group (checkpointable and
 * redistributable by key group).
 */

import { WeirError } from '../errors.ts';
import type { KeyedStateBackend } from '../state/keyed-state-backend.ts';
import { valueState } from '../state/value-state.ts';
import type { Key, KeyCount, ReduceFunction } from './functions.ts';
import type { ResolvedKeySelector } from './key-selector.ts';
import type { Operator, OperatorContext, OperatorFactory } from './operator.ts';
import { userFunctionError } from './user-function-error.ts';

/** The state under which a rolling aggregation keeps each key's aggregate. */
const AGGREGATE = valueState<unknown>('aggregate');

export function backendOf(context: OperatorContext): KeyedStateBackend {
  if (!context.keyedState) {
    throw new WeirError(
      'ERR_INTERNAL',
      'internal',
      `keyed operator "${context.operatorName}" has no keyed state backend`,
    );
  }
  return context.keyedState;
}

/**
 * Rolling reduce: for every record, the key's new aggregate (emitted per record when streaming, once
 * per key at the end of input in batch mode).
 */
export function keyedReduceOperator(
  key: ResolvedKeySelector,
  reduce: ReduceFunction<unknown>,
  first: (record: unknown) => unknown = (record) => record,
): OperatorFactory {
  return (context, output): Operator => {
    const backend = backendOf(context);
    const aggregate = backend.getState(AGGREGATE);
    const rolling = context.runtimeMode === 'streaming';
    return {
      process(record) {
        let result: unknown;
        try {
          backend.setCurrentKey(key.fn(record));
          const previous = aggregate.value();
          result = previous === undefined ? first(record) : reduce(previous, record);
          aggregate.update(result);
        } catch (error) {
          throw userFunctionError(context, record, error);
        }
        if (rolling) output.collect(result);
      },
      finish() {
        if (!rolling) backend.applyToAllKeys(AGGREGATE, (_key, state) => output.collect(state.value()));
      },
    };
  };
}

/** The state under which `count()` keeps each key's count (a number, never mutated in place). */
const COUNT = valueState<number>('count');

/**
 * Keyed count: per key, the number of records, emitted as `{ key, count }`. Streaming: one updated
 * count per input record. A combined input (batch mode, or streaming with local aggregation; the
 * producers' combiners in combining-output.ts) brings partial counts `{ key, count }`, which are
 * added up: streaming emits the updated count per partial, batch once per key at the end of input.
 */
export function keyedCountOperator(key: ResolvedKeySelector): OperatorFactory {
  return (context, output): Operator => {
    const backend = backendOf(context);
    const count = backend.getState(COUNT);
    const rolling = context.runtimeMode === 'streaming';
    const partials = context.combinedInput;
    return {
      process(record) {
        let k: Key;
        let n: number;
        try {
          if (!partials) {
            k = key.fn(record);
            n = 1;
          } else {
            ({ key: k, count: n } = record as KeyCount);
            if (typeof n !== 'number') throw new TypeError('expected a partial count { key, count }');
          }
          backend.setCurrentKey(k);
          n += count.value() ?? 0;
          count.update(n);
        } catch (error) {
          throw userFunctionError(context, record, error);
        }
        if (rolling) output.collect({ key: k, count: n } satisfies KeyCount);
      },
      finish() {
        if (!rolling)
          backend.applyToAllKeys(COUNT, (k, state) =>
            output.collect({ key: k as Key, count: state.value()! } satisfies KeyCount),
          );
      },
    };
  };
}
