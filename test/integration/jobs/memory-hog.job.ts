// A map that keeps every record's large array: a worker thread under a small heap limit runs out.
import { defineJob } from '../../../src/index.ts';

const kept: number[][] = [];

export default defineJob((env) => {
  env
    .fromSequence(0, 1_000_000)
    .map((n: number) => {
      kept.push(new Array<number>(10_000).fill(n));
      return n;
    })
    .discard();
});
