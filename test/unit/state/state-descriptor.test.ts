// Descriptor factories validate at the boundary and return frozen, typed descriptors.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { InvalidOptionError } from '../../../src/errors.ts';
import { type AggregatingState, aggregatingState } from '../../../src/state/aggregating-state.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap/heap-keyed-state-backend.ts';
import { type ListState, listState } from '../../../src/state/list-state.ts';
import { type MapState, mapState } from '../../../src/state/map-state.ts';
import { type ReducingState, reducingState } from '../../../src/state/reducing-state.ts';
import { type ValueState, valueState } from '../../../src/state/value-state.ts';

const sum = (a: number, b: number) => a + b;
const count = {
  createAccumulator: () => 0,
  add: (_: string, acc: number) => acc + 1,
  getResult: (acc: number) => acc,
};

describe('state descriptors', () => {
  it('are frozen plain data with their kind and name', () => {
    const descriptors = [
      valueState<number>('v'),
      valueState('d', { defaultValue: 1 }),
      listState<string>('l'),
      mapState<string, number>('m'),
      reducingState('r', sum),
      aggregatingState('a', count),
    ];
    expect(descriptors.map((d) => [d.kind, d.name])).toEqual([
      ['value', 'v'],
      ['value', 'd'],
      ['list', 'l'],
      ['map', 'm'],
      ['reducing', 'r'],
      ['aggregating', 'a'],
    ]);
    for (const d of descriptors) expect(Object.isFrozen(d)).toBe(true);
    expect(valueState('d', { defaultValue: 1 }).defaultValue).toBe(1);
    expect('defaultValue' in valueState('v')).toBe(false);
  });

  it('refuse empty names and missing functions, naming the option', () => {
    expect(() => valueState('')).toThrow(InvalidOptionError);
    expect(() => listState(42 as unknown as string)).toThrow(/state name must be a non-empty string/);
    expect(() => reducingState('r', undefined as unknown as typeof sum)).toThrow(
      /reducingState\("r"\)\.reduce must be a function/,
    );
    expect(() => aggregatingState('a', { ...count, getResult: 1 } as unknown as typeof count)).toThrow(
      /aggregatingState\("a"\)\.getResult/,
    );
    expect(() => aggregatingState('a', null as unknown as typeof count)).toThrow(InvalidOptionError);
  });

  it('type the handles the backend returns', () => {
    const backend = new HeapKeyedStateBackend();
    expectTypeOf(backend.getState(valueState<number>('v'))).toEqualTypeOf<
      ValueState<number, number | undefined>
    >();
    expectTypeOf(backend.getState(valueState('d', { defaultValue: 1 }))).toEqualTypeOf<
      ValueState<number, number>
    >();
    expectTypeOf(backend.getState(listState<string>('l'))).toEqualTypeOf<ListState<string>>();
    expectTypeOf(backend.getState(mapState<string, number>('m'))).toEqualTypeOf<MapState<string, number>>();
    expectTypeOf(backend.getState(reducingState('r', sum))).toEqualTypeOf<ReducingState<number>>();
    expectTypeOf(backend.getState(aggregatingState('a', count))).toEqualTypeOf<
      AggregatingState<string, number>
    >();
  });
});
