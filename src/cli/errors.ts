/**
 * Errors of the command line itself: an unknown flag, a flag without its value, a missing or extra
 * argument. The CLI prints them as one line followed by the command's usage.
 */
import { WeirError } from '../errors.ts';

/** The command line cannot be understood; the message names the flag or argument as typed. */
export class UsageError extends WeirError {
  constructor(message: string) {
    super('ERR_USAGE', 'configuration', message);
  }
}
