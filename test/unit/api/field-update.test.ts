// The specialised copy gives exactly the generic copy `{ ...record, [field]: value }` for every
// record: of the learnt shape, of other shapes, with other prototypes, with awkward key names.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldUpdater } from '../../../src/api/field-update.ts';

const generic = (record: object, field: string, value: unknown): object => ({ ...record, [field]: value });

describe('fieldUpdater', () => {
  it('copies a record of the learnt shape with the field replaced, leaving the input alone', () => {
    const update = fieldUpdater('value');
    const a = { key: 1, value: 2 };
    expect(update(a, 5)).toEqual({ key: 1, value: 5 });
    const b = { key: 'x', value: 7 };
    const out = update(b, 8);
    expect(out).toEqual({ key: 'x', value: 8 });
    expect(Object.keys(out)).toEqual(['key', 'value']);
    expect(b).toEqual({ key: 'x', value: 7 });
    expect(out).not.toBe(b);
  });

  it('gives the generic copy for records of any other shape', () => {
    const update = fieldUpdater('n');
    update({ k: 1, n: 1 }, 0); // learns {k, n}
    const cases: object[] = [
      { n: 1, k: 1 },
      { k: 1, n: 1, extra: true },
      { k: 1 },
      {},
      Object.assign(Object.create({ inherited: 1 }) as object, { k: 1, n: 2 }),
      Object.assign(Object.create(null) as object, { k: 1, n: 2 }),
      JSON.parse('{"__proto__": 1, "n": 2}') as object,
      { 2: 'a', 1: 'b', n: 3 },
    ];
    for (const record of cases) {
      const out = update(record, 9);
      const expected = generic(record, 'n', 9);
      expect(out).toEqual(expected);
      expect(Reflect.ownKeys(out)).toEqual(Reflect.ownKeys(expected));
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    }
  });

  it('adds a field named "__proto__" as an own property, as the generic copy does', () => {
    const update = fieldUpdater('__proto__');
    for (const record of [{}, { k: 1 }, { k: 2 }]) {
      const out = update(record, 42);
      expect(out).toEqual(generic(record, '__proto__', 42));
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe(42);
    }
  });

  it('does not copy symbol-keyed properties (not record data) of a record of the learnt shape', () => {
    const update = fieldUpdater('n');
    update({ k: 1, n: 1 }, 0);
    expect(Reflect.ownKeys(update({ k: 1, n: 2, [Symbol.for('s')]: 3 }, 9))).toEqual(['k', 'n']);
  });

  it('matches the generic copy for random records and fields', () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { minLength: 1, maxLength: 5 }),
        fc.string(),
        (records, field) => {
          const update = fieldUpdater(field);
          for (const record of records) {
            const out = update(record, 42);
            const expected = generic(record, field, 42);
            expect(out).toEqual(expected);
            expect(Reflect.ownKeys(out)).toEqual(Reflect.ownKeys(expected));
          }
        },
      ),
    );
  });
});
