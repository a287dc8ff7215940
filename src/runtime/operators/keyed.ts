/**
 * Keyed operators: rolling reduce (also behind sum/min/max) and keyed process functions. Each sets
 * the current key on the subtask's keyed state backend before calling user code, so that state is
 * scoped to the record's key and stored in the key's key group.
 */
import type { Collector, Key, ReduceFunction } from '../../api/functions.ts';
import type { ResolvedKeySelector } from '../../api/key-selector.ts';
import type {
  KeyedContext,
  KeyedProcessFunction,
  StateDescriptorLike,
} from '../../api/keyed-process-function.ts';
import { WeirError } from '../../errors.ts';
import type { Operator, OperatorFactory } from './operator.ts';
import { userFunctionError } from './user-function-error.ts';

/** Rolling reduce: emits the new aggregate of the record's key for every record. */
export function keyedReduceOperator(
  key: ResolvedKeySelector,
  reduce: ReduceFunction<unknown>,
  first: (record: unknown) => unknown = (record) => record,
): OperatorFactory {
  return (context, output): Operator => {
    const values = new Map<unknown, unknown>();
    const rolling = context.runtimeMode === 'streaming';
    return {
      process(record) {
        let result: unknown;
        try {
          const k = normalise(key.fn(record));
          const previous = values.get(k);
          result = previous === undefined ? first(record) : reduce(previous, record);
          values.set(k, result);
        } catch (error) {
          throw userFunctionError(context, record, error);
        }
        if (rolling) output.collect(result);
      },
      finish() {
        if (!rolling) for (const value of values.values()) output.collect(value);
      },
    };
  };
}

/** Keyed process function with keyed state. */
export function keyedProcessOperator(
  key: ResolvedKeySelector,
  fn: KeyedProcessFunction<unknown, unknown>,
): OperatorFactory {
  return (context, output): Operator => {
    const element = typeof fn === 'function' ? fn : fn.processElement.bind(fn);
    let currentKey: Key = '';
    const keyed: KeyedContext = {
      ...context,
      get currentKey() {
        return currentKey;
      },
      state<S>(_descriptor: StateDescriptorLike<S>): S {
        throw new WeirError('ERR_STATE_ACCESS', 'internal', 'keyed state is not available yet');
      },
    };
    let opened = false;
    const out: Collector<unknown> = output;
    return {
      process(record) {
        try {
          if (!opened) {
            opened = true;
            if (typeof fn !== 'function') fn.open?.(context);
          }
          currentKey = key.fn(record);
          element(record, keyed, out);
        } catch (error) {
          throw userFunctionError(context, record, error);
        }
      },
    };
  };
}

function normalise(key: Key): unknown {
  return typeof key === 'object' ? JSON.stringify(key) : key;
}
