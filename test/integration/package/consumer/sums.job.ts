// A user's job script in TypeScript, run by the installed CLI: `weir run sums.job.ts -p 2`.
import { StreamEnvironment } from 'weir';

interface Sum {
  key: number;
  n: number;
}

const env = new StreamEnvironment({ runtimeMode: 'batch' });
const sums = env
  .fromSequence(1, 1000)
  .map((n: number): Sum => ({ key: n % 10, n }))
  .keyBy('key')
  .sum('n')
  .collect({ uid: 'sums' });
const result = await env.execute('typescript sums');
console.log(`sums ${JSON.stringify(result.collected<Sum>(sums.uid).sort((a, b) => a.key - b.key))}`);
