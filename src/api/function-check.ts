/**
 * The check every DataStream API method that takes a user function makes: a clear error naming the
 * method when it is not a function, and the operator name derived from the function's own name.
 */
import { InvalidOptionError } from '../errors.ts';

/** Throws unless `fn` is a function; returns the operator's default name. */
export function checkFunction(method: string, fn: unknown): string {
  if (typeof fn !== 'function') throw new InvalidOptionError(`${method} function`, 'a function', fn);
  return fn.name && fn.name !== 'anonymous' ? `${method}(${fn.name})` : method;
}
