/**
 * Picks the barrier handler for a checkpointing mode: the one place a subtask needs to know that
 * there are two.
 */

import type { CheckpointingMode } from '../../checkpoint/config.ts';
import { InvalidOptionError } from '../../errors.ts';
import { AtLeastOnceBarrierHandler } from './at-least-once-handler.ts';
import type { BarrierHandler, BarrierHandlerOptions } from './barrier-handler.ts';
import { ExactlyOnceBarrierHandler } from './exactly-once-handler.ts';

/**
 * Creates the barrier handler of a subtask for `mode`; throws `InvalidOptionError` (code
 * `ERR_INVALID_OPTION`) naming the first invalid option.
 */
export function createBarrierHandler(
  mode: CheckpointingMode,
  options: BarrierHandlerOptions,
): BarrierHandler {
  switch (mode) {
    case 'exactly-once':
      return new ExactlyOnceBarrierHandler(options);
    case 'at-least-once':
      return new AtLeastOnceBarrierHandler(options);
    default:
      throw new InvalidOptionError('checkpointingMode', "'exactly-once' or 'at-least-once'", mode);
  }
}
