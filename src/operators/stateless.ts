/**
 * The stateless record-at-a-time operators: map, filter and flatMap. Each calls the user function
 * inside a try/catch (cheap in V8 when nothing throws) so that a failure names operator and record.
 */
import type { Collector, FilterFunction, FlatMapFunction, MapFunction } from './functions.ts';
import type { Operator, OperatorFactory } from './operator.ts';
import { userFunctionError } from './user-function-error.ts';

/** `map`: one record in, one out. */
export function mapOperator(fn: MapFunction<unknown, unknown>): OperatorFactory {
  return (context, output): Operator => ({
    process(record) {
      let result: unknown;
      try {
        result = fn(record);
      } catch (error) {
        throw userFunctionError(context, record, error);
      }
      output.collect(result);
    },
  });
}

/** `filter`: keeps records for which the predicate holds. */
export function filterOperator(fn: FilterFunction<unknown>): OperatorFactory {
  return (context, output): Operator => ({
    process(record) {
      let keep: boolean;
      try {
        keep = fn(record);
      } catch (error) {
        throw userFunctionError(context, record, error);
      }
      if (keep) output.collect(record);
    },
  });
}

/** `flatMap`: any number of records out, returned as an iterable or emitted through the collector. */
export function flatMapOperator(fn: FlatMapFunction<unknown, unknown>): OperatorFactory {
  return (context, output): Operator => {
    // Records emitted through the collector go straight downstream; errors downstream keep their
    // own attribution because they are already WeirErrors.
    const out: Collector<unknown> = output;
    return {
      process(record) {
        try {
          const result = fn(record, out);
          if (result != null) for (const item of result) output.collect(item);
        } catch (error) {
          throw userFunctionError(context, record, error);
        }
      },
    };
  };
}
