// The job's thread pool places each run where it is told (several per thread), queues unplaced runs
// until a thread runs nothing, fails every run of a thread that exits, and starts a fresh thread
// for the slot's next run.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskDeployment } from '../../../src/runtime/protocol.ts';
import { ThreadPool } from '../../../src/runtime/thread-pool.ts';

const bootstrap = fileURLToPath(new URL('../../../src/worker/bootstrap.mjs', import.meta.url));
const entry = pathToFileURL(
  fileURLToPath(new URL('./fixtures/scripted-pool-thread.ts', import.meta.url)),
).href;

let pool: ThreadPool | undefined;
afterEach(async () => {
  await pool?.destroy();
  pool = undefined;
});

/** A run whose scripted thread is driven through `port`; `arrived` resolves with its thread id. */
function start(p: ThreadPool, slot?: number) {
  const { port1, port2 } = new MessageChannel();
  const arrived = new Promise<number>((resolve) =>
    port1.once('message', (m: { threadId: number }) => resolve(m.threadId)),
  );
  const done = p.run({ control: port2 } as unknown as TaskDeployment, { slot });
  const command = (c: 'return' | 'fail' | 'exit'): void => port1.postMessage(c);
  return { arrived, done, command, port: port1 as MessagePort };
}

function makePool(threads: number): ThreadPool {
  pool = new ThreadPool({ threads, filename: bootstrap, workerData: { entry } });
  return pool;
}

describe('ThreadPool', () => {
  it('runs placed runs in their slot, several at once in one thread', async () => {
    const p = makePool(2);
    const runs = [start(p, 0), start(p, 1), start(p, 0), start(p, 1)];
    const threads = await Promise.all(runs.map((r) => r.arrived));
    expect(threads[0]).toBe(threads[2]);
    expect(threads[1]).toBe(threads[3]);
    expect(threads[0]).not.toBe(threads[1]);
    expect(p.load()).toEqual([2, 2]);
    for (const r of runs) r.command('return');
    await Promise.all(runs.map((r) => r.done));
    expect(p.load()).toEqual([0, 0]);
  });

  it('queues an unplaced run until a thread runs nothing', async () => {
    const p = makePool(1);
    const first = start(p);
    const second = start(p);
    await first.arrived;
    let secondArrived = false;
    void second.arrived.then(() => {
      secondArrived = true;
    });
    expect(p.load()).toEqual([1]);
    first.command('return');
    await first.done;
    await second.arrived;
    expect(secondArrived).toBe(true);
    second.command('return');
    await second.done;
  });

  it('rejects a run with the error its thread reports', async () => {
    const p = makePool(1);
    const run = start(p, 0);
    await run.arrived;
    run.command('fail');
    await expect(run.done).rejects.toThrow('scripted failure');
  });

  it('fails every run of a thread that exits, leaves the other thread alone, and restarts the slot', async () => {
    const p = makePool(2);
    const a = start(p, 0);
    const b = start(p, 0);
    const c = start(p, 1);
    const [threadA] = await Promise.all([a.arrived, b.arrived, c.arrived]);
    a.command('exit');
    await expect(a.done).rejects.toThrow(/exited with code 3/);
    await expect(b.done).rejects.toThrow(/exited with code 3/);
    expect(p.load()).toEqual([0, 1]);
    const again = start(p, 0);
    expect(await again.arrived).not.toBe(threadA);
    again.command('return');
    c.command('return');
    await Promise.all([again.done, c.done]);
  });

  it('terminates the thread of an aborted run, failing what else runs there', async () => {
    const p = makePool(1);
    const abort = new AbortController();
    const { port1, port2 } = new MessageChannel();
    const arrived = new Promise((resolve) => port1.once('message', resolve));
    const aborted = p.run({ control: port2 } as unknown as TaskDeployment, { slot: 0, signal: abort.signal });
    const other = start(p, 0);
    await Promise.all([arrived, other.arrived]);
    abort.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await expect(other.done).rejects.toMatchObject({ name: 'AbortError' });
    port1.close();
  });
});
