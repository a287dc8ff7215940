/**
 * The runtime's test-only failure-injection hook (`docs/chaos.md`), main-thread side: a process
 * sets a {@link FaultInjection} before it starts a job, and the job's subtasks then fail where the
 * plan says (the worker side is `task/fault-injector.ts`): a throw inside an operator at a record, a
 * worker thread terminated from outside, a checkpoint's asynchronous part failing, or the process
 * killed by its owner. `weir chaos` uses it; a job's own code never does. Unset, deployments carry
 * no `faults` and nothing is wrapped.
 *
 * Thread: main. Stored on `globalThis` under a registered symbol, like `api/job-hooks.ts`, so every
 * copy of the module sees it.
 */
import { InvalidOptionError } from '../errors.ts';
import type { CollectedBatch, FaultInjectionDeployment, InjectedFault } from './protocol.ts';

export type { InjectedFault };

/** What to inject into the jobs this process starts, and who hears about it. */
export interface FaultInjection {
  readonly faults: readonly InjectedFault[];
  /** Indices of faults that fired before (in a killed process): they do not fire again. */
  readonly firedBefore?: readonly number[];
  /** A fault fired (reported by its subtask before it acts). */
  readonly onFired?: (fault: InjectedFault, index: number) => void;
  /**
   * A `kill-process` fault fired: kill this process now (`kill -9` by its parent). Without it, the
   * subtask's thread is terminated as for `terminate-thread`.
   */
  readonly killProcess?: (fault: InjectedFault, index: number) => void;
  /** Every batch a collect sink delivers, before the job client drops a repeated transaction. */
  readonly onCollected?: (batch: CollectedBatch) => void;
}

const HOOK = Symbol.for('weir.fault-injection');
const globals = globalThis as Record<symbol, unknown>;

/** Sets (or, with undefined, clears) the failures injected into jobs started from now on. */
export function setFaultInjection(injection: FaultInjection | undefined): void {
  if (injection !== undefined) checkFaults(injection.faults);
  globals[HOOK] = injection;
}

/** The injection set by {@link setFaultInjection}, if any. */
export function activeFaultInjection(): FaultInjection | undefined {
  return globals[HOOK] as FaultInjection | undefined;
}

/** The plain data subtasks get: the plan and one fired flag per fault (set for those fired before). */
export function faultDeployment(injection: FaultInjection): FaultInjectionDeployment {
  const fired = new SharedArrayBuffer(4 * Math.max(1, injection.faults.length));
  const flags = new Int32Array(fired);
  for (const index of injection.firedBefore ?? []) if (index < flags.length) flags[index] = 1;
  return { faults: injection.faults.map((f) => ({ ...f })), fired };
}

function checkFaults(faults: readonly InjectedFault[]): void {
  if (!Array.isArray(faults)) throw new InvalidOptionError('faults', 'an array of faults', faults);
  faults.forEach((fault, i) => {
    const at = 'atRecord' in fault ? fault.atRecord : fault.atCheckpoint;
    const kinds = ['throw', 'terminate-thread', 'kill-process', 'fail-checkpoint-async'];
    if (!kinds.includes(fault.kind))
      throw new InvalidOptionError(`faults[${i}].kind`, `one of ${kinds.join(', ')}`, fault.kind);
    if (typeof fault.operatorUid !== 'string')
      throw new InvalidOptionError(`faults[${i}].operatorUid`, 'an operator uid', fault.operatorUid);
    if (!Number.isInteger(fault.subtask) || fault.subtask < 0)
      throw new InvalidOptionError(`faults[${i}].subtask`, 'a subtask index', fault.subtask);
    if (!Number.isInteger(at) || at < 1)
      throw new InvalidOptionError(`faults[${i}].at`, 'a positive integer', at);
  });
}
