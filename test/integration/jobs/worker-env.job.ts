// Reports, from inside a subtask's worker, how msgpackr decodes there and what the worker's
// environment says about it (the bootstrap hides msgpackr's own native lookup while the engine loads).
import { isNativeAccelerationEnabled } from 'msgpackr';
import { defineJob } from '../../../src/index.ts';

/** What one subtask saw. */
export interface WorkerEnvReport {
  readonly native: boolean;
  readonly disabledFlag: string | null;
}

export default defineJob((env) => {
  env
    .fromArray([0])
    .map(
      (): WorkerEnvReport => ({
        native: isNativeAccelerationEnabled,
        disabledFlag: process.env['MSGPACKR_NATIVE_ACCELERATION_DISABLED'] ?? null,
      }),
    )
    .collect({ uid: 'report' });
});
