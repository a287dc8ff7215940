// count(): the keyed operator counts per key (rolling when streaming, once per key from partial
// counts in batch mode), its combiner folds in place with one partial per key, and the partials
// are routed by their own key.
import { describe, expect, it } from 'vitest';
import type { RuntimeMode } from '../../../src/config/options.ts';
import type { KeyCount } from '../../../src/operators/functions.ts';
import { keySelectorFunction } from '../../../src/operators/key-selector.ts';
import { keyedCountOperator } from '../../../src/operators/keyed.ts';
import type { OperatorContext } from '../../../src/operators/operator.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap/heap-keyed-state-backend.ts';
import { valueState } from '../../../src/state/value-state.ts';
import { CombiningOutput } from '../../../src/task/combining-output.ts';
import { operatorContext, streamOutput } from '../../support/operator-context.ts';

const identity = keySelectorFunction<string>('keyBy', (w) => w);

function operator(runtimeMode: RuntimeMode, combinedInput = runtimeMode === 'batch') {
  const backend = new HeapKeyedStateBackend<unknown>({ maxParallelism: 128 });
  const out: KeyCount[] = [];
  const context = operatorContext({
    operatorName: 'count',
    operatorUid: 'count-1',
    runtimeMode,
    combinedInput,
    keyedState: backend as OperatorContext['keyedState'],
  });
  const op = keyedCountOperator(identity)(
    context,
    streamOutput((r) => out.push(r as KeyCount)),
  );
  return { op, out, backend };
}

describe('keyedCountOperator', () => {
  it('streaming: emits the updated count of the record key for every record', () => {
    const { op, out, backend } = operator('streaming');
    for (const w of ['a', 'b', 'a', 'a']) op.process(w);
    op.finish?.();
    expect(out).toEqual([
      { key: 'a', count: 1 },
      { key: 'b', count: 1 },
      { key: 'a', count: 2 },
      { key: 'a', count: 3 },
    ]);
    const state = new Map<unknown, number>();
    backend.applyToAllKeys(valueState<number>('count'), (k, s) => state.set(k, s.value() ?? -1));
    expect(state).toEqual(
      new Map([
        ['a', 3],
        ['b', 1],
      ]),
    );
  });

  it('batch: adds up partial counts and emits each key once at the end of input', () => {
    const { op, out } = operator('batch');
    op.process({ key: 'a', count: 2 });
    op.process({ key: 'b', count: 5 });
    op.process({ key: 'a', count: 3 });
    expect(out).toEqual([]);
    op.finish?.();
    expect(new Map(out.map((r) => [r.key, r.count]))).toEqual(
      new Map([
        ['a', 5],
        ['b', 5],
      ]),
    );
    expect(out).toHaveLength(2);
  });

  it('streaming with local aggregation: adds up partial counts and emits the new count per partial', () => {
    const { op, out } = operator('streaming', true);
    op.process({ key: 'a', count: 2 });
    op.process({ key: 'b', count: 5 });
    op.process({ key: 'a', count: 3 });
    expect(out).toEqual([
      { key: 'a', count: 2 },
      { key: 'b', count: 5 },
      { key: 'a', count: 5 },
    ]);
    op.finish?.();
    expect(out).toHaveLength(3);
  });

  it('batch: names the operator when an input is not a partial count', () => {
    const { op } = operator('batch');
    expect(() => op.process('a')).toThrow(/count/);
  });
});

describe('count combiner', () => {
  it('keeps one partial per key, counted in place, and sends { key, count } on flush', async () => {
    const { StreamEnvironment } = await import('../../../src/index.ts');
    const env = StreamEnvironment.forWorker({});
    env
      .fromArray(['x'])
      .keyBy((w: string) => w)
      .count();
    const combine = env.nodes.at(-1)!.inputs[0]!.partitioner;
    if (combine?.kind !== 'hash' || !combine.combine) throw new Error('count has no combiner');
    const sent: KeyCount[] = [];
    const output = new CombiningOutput(
      identity.fn,
      combine.combine,
      { collect: (r) => sent.push({ ...(r as KeyCount) }) },
      { subtaskIndex: 0, parallelism: 1, maxDelayMs: Number.POSITIVE_INFINITY },
    );
    for (const w of ['a', 'b', 'a', 'a', 'c']) output.collect(w);
    output.flush();
    expect(sent).toEqual([
      { key: 'a', count: 3 },
      { key: 'b', count: 1 },
      { key: 'c', count: 1 },
    ]);
    expect(combine.combine.partialKey?.({ key: 'a', count: 3 })).toBe('a');
  });
});
