/** The error raised, before any worker starts, for a job graph that cannot run. */
import { WeirError } from '../errors.ts';

/** The job graph is invalid; the message names the operator(s) concerned. */
export class InvalidJobGraphError extends WeirError {
  constructor(message: string) {
    super('ERR_INVALID_JOB_GRAPH', 'configuration', message);
  }
}
