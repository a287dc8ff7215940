// Runs sums.job.mjs at parallelism 2 with plain `node`, then prints the sums by key, how many
// threads computed them, and whether any was the main thread.
import { executeJob } from 'weir';

const result = await executeJob(new URL('./sums.job.mjs', import.meta.url), {
  args: { to: 1000 },
  environment: { parallelism: 2 },
});
const sums = result.collected('sums').sort((a, b) => a.key - b.key);
console.log(`sums ${JSON.stringify(sums.map(({ key, n }) => ({ key, n })))}`);
const threads = new Set(sums.map((s) => s.thread));
console.log(
  `threads ${threads.size}, main thread ${threads.has(0)}, execArgv ${JSON.stringify(process.execArgv)}`,
);
