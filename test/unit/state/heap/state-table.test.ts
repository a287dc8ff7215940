// Copy-on-write at key-group granularity: pinned tables are copied on first write, cells on first mutation.
import { describe, expect, it } from 'vitest';
import { KeyContext } from '../../../../src/state/heap/key-context.ts';
import { CellAccess } from '../../../../src/state/heap/keyed-access.ts';
import { type Cell, Epochs, StateTables } from '../../../../src/state/heap/state-table.ts';

function setup() {
  const ctx = new KeyContext();
  const tables = new StateTables<Cell<number[]>>('list', 'list', 4, new Epochs());
  const access = new CellAccess(ctx, tables);
  const at = (group: number, mapKey: string) => {
    ctx.group = group;
    ctx.mapKey = mapKey;
  };
  return { tables, access, at };
}

describe('StateTables', () => {
  it('writes in place while no snapshot holds the table', () => {
    const { tables } = setup();
    const table = tables.writable(1);
    expect(tables.writable(1)).toBe(table);
    expect(tables.byGroup[0]).toBeUndefined();
  });

  it('copies a pinned table on the first write and leaves the pinned one intact', () => {
    const { tables } = setup();
    const pinned = tables.writable(2);
    pinned.map.set('k', { value: [1], epoch: pinned.epoch });
    pinned.pins++;
    const live = tables.writable(2);
    expect(live).not.toBe(pinned);
    expect(live.epoch).not.toBe(pinned.epoch);
    live.map.set('j', { value: [2], epoch: live.epoch });
    expect([...pinned.map.keys()]).toEqual(['k']);
    expect(tables.writable(2)).toBe(live);
  });

  it('does not copy a pinned table to delete a key it does not hold', () => {
    const { tables } = setup();
    const pinned = tables.writable(0);
    pinned.pins++;
    tables.delete(0, 'absent');
    expect(tables.byGroup[0]).toBe(pinned);
    tables.delete(3, 'absent');
    expect(tables.byGroup[3]).toBeUndefined();
  });
});

describe('CellAccess', () => {
  it('copies a cell shared with a pinned table before it is mutated, once', () => {
    const { tables, access, at } = setup();
    at(1, 'k');
    access.put([1, 2]);
    const original = access.peek()!;
    expect(access.own((v) => v.slice())).toBe(original);
    tables.byGroup[1]!.pins++;
    const owned = access.own((v) => v.slice())!;
    expect(owned).not.toBe(original);
    owned.value.push(3);
    expect(original.value).toEqual([1, 2]);
    expect(access.own((v) => v.slice())).toBe(owned);
  });

  it('replaces a shared cell on put instead of writing into it', () => {
    const { tables, access, at } = setup();
    at(0, 'k');
    access.put([1]);
    const original = access.peek()!;
    tables.byGroup[0]!.pins++;
    access.put([9]);
    expect(original.value).toEqual([1]);
    expect(access.peek()!.value).toEqual([9]);
  });
});
