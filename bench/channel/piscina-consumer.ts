/**
 * The piscina peer's task module, run in the pool's worker: the first task hands over the control
 * port and the plan; every later task is an array of records for the tally.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Phase } from './plan.ts';
import type { BenchRecord } from './records.ts';
import { Tally } from './tally.ts';

export type PooledTask =
  | { readonly type: 'init'; readonly control: MessagePort; readonly plan: readonly Phase[] }
  | { readonly type: 'records'; readonly records: readonly BenchRecord[] };

let tally: Tally | undefined;

export default function consume(task: PooledTask): null {
  if (task.type === 'records') {
    for (const r of task.records) tally!.add(r);
    return null;
  }
  const { control, plan } = task;
  tally = new Tally(plan, (report, transfer) => control.postMessage(report, transfer));
  control.postMessage({ type: 'ready' });
  return null;
}
