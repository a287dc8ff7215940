/**
 * One line for an error on the terminal: a weir error's message and code, or any other error's
 * name and message with the place in the user's code it was thrown from (never the whole stack).
 */
import { WeirError } from '../errors.ts';

export function describeError(error: unknown): string {
  if (error instanceof WeirError) return `${error.message} [${error.code}]`;
  if (!(error instanceof Error)) return String(error);
  const where = userFrame(error.stack);
  return `${error.name}: ${error.message.split('\n')[0]}${where ? ` (at ${where})` : ''}`;
}

/** The first stack frame in a file of the user's (not Node's, not a package's). */
function userFrame(stack: string | undefined): string | undefined {
  for (const line of stack?.split('\n').slice(1) ?? []) {
    const frame = /(?:\(|at )((?:file:\/\/)?\/[^():]+:\d+:\d+)\)?\s*$/.exec(line)?.[1];
    if (frame && !frame.includes('/node_modules/')) return decodeURI(frame.replace(/^file:\/\//, ''));
  }
  return undefined;
}
