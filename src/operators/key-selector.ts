/**
 * Turns what the user passed to `keyBy` (a function or a field name) into a key function, and
 * checks the key it returns: a missing field or an unusable key is an error naming the operator,
 * the field and the record, never a silently misrouted record.
 */
import { InvalidOptionError } from '../errors.ts';
import type { Key, KeySelector } from './functions.ts';
import { KeyExtractionError } from './user-function-error.ts';

/** A resolved key selector. */
export interface ResolvedKeySelector {
  readonly fn: (record: unknown) => Key;
  /** `field "word"` or `function byWord`. */
  readonly description: string;
  /** The field name, when selecting by field. */
  readonly field: string | undefined;
}

export function keySelectorFunction<T>(method: string, selector: KeySelector<T>): ResolvedKeySelector {
  if (typeof selector === 'function') {
    const fn = selector as (record: unknown) => Key;
    const description = `function ${fn.name || '(anonymous)'}`;
    return {
      description,
      field: undefined,
      fn: (record) => {
        const key = fn(record);
        if (key === undefined || key === null) {
          throw new KeyExtractionError(`${method} key ${description} returned ${key}`, record);
        }
        return key;
      },
    };
  }
  if (typeof selector !== 'string' || selector.length === 0) {
    throw new InvalidOptionError(`${method} key`, 'a function or a field name', selector);
  }
  const field = selector;
  return {
    description: `field "${field}"`,
    field,
    fn: (record) => {
      const key =
        record != null && typeof record === 'object' ? (record as Record<string, unknown>)[field] : undefined;
      if (key === undefined || key === null) {
        throw new KeyExtractionError(`${method} field "${field}" is missing`, record);
      }
      return key as Key;
    },
  };
}
