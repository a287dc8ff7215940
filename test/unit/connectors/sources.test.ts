// Sources split their input exactly over subtasks and resume from the position they report.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { arraySource, iterableSource } from '../../../src/connectors/builtin/array-source.ts';
import { sequenceSource } from '../../../src/connectors/builtin/sequence-source.ts';
import { textFileSource } from '../../../src/connectors/file/text-file-source.ts';
import {
  type OperatorContext,
  SOURCE_END,
  SOURCE_MORE,
  type SourceFactory,
  type SourceReader,
} from '../../../src/operators/operator.ts';
import { operatorContext } from '../../support/operator-context.ts';

function context(subtaskIndex: number, parallelism: number): OperatorContext {
  return operatorContext({ operatorName: 'src', operatorUid: 'src-0', subtaskIndex, parallelism });
}

function drain(reader: SourceReader, max = 7): unknown[] {
  const out: unknown[] = [];
  for (;;) {
    const r = reader.poll({ collect: (x) => out.push(x) }, max);
    if (r === SOURCE_END) return out;
    expect(r).toBe(SOURCE_MORE);
  }
}

function readAll(factory: SourceFactory, parallelism: number): unknown[][] {
  return Array.from({ length: parallelism }, (_, i) => {
    const reader = factory(context(i, parallelism));
    const got = drain(reader);
    reader.close?.();
    return got;
  });
}

const dir = mkdtempSync(join(tmpdir(), 'weir-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sources', () => {
  it('array source: every element exactly once over any parallelism, resumable', () => {
    const elements = Array.from({ length: 101 }, (_, i) => i);
    for (const p of [1, 2, 3, 4, 7])
      expect(
        readAll(arraySource(elements), p)
          .flat()
          .sort((a, b) => Number(a) - Number(b)),
      ).toEqual(elements);
    const reader = arraySource(elements)(context(1, 2));
    const first: unknown[] = [];
    reader.poll({ collect: (x) => first.push(x) }, 5);
    const resumed = arraySource(elements)(context(1, 2));
    resumed.restoreSplits(reader.snapshotSplits());
    expect([...first, ...drain(resumed)]).toEqual(elements.filter((e) => e % 2 === 1));
  });

  it('iterable source: resumes by skipping what was consumed', () => {
    const set = new Set(['a', 'b', 'c', 'd']);
    const reader = iterableSource(set)(context(0, 1));
    const first: unknown[] = [];
    reader.poll({ collect: (x) => first.push(x) }, 2);
    const resumed = iterableSource(set)(context(0, 1));
    resumed.restoreSplits(reader.snapshotSplits());
    expect([...first, ...drain(resumed)]).toEqual(['a', 'b', 'c', 'd']);
  });

  it('iterable source: a function is called afresh on start and on restore', () => {
    let calls = 0;
    const fresh = () => {
      calls++;
      return (function* () {
        yield* ['a', 'b', 'c', 'd'];
      })();
    };
    const reader = iterableSource(fresh)(context(0, 1));
    const first: unknown[] = [];
    reader.poll({ collect: (x) => first.push(x) }, 3);
    const resumed = iterableSource(fresh)(context(0, 1));
    resumed.restoreSplits(reader.snapshotSplits());
    expect([...first, ...drain(resumed)]).toEqual(['a', 'b', 'c', 'd']);
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('iterable source: a one-shot iterator iterated a second time is a SourceReplayError', () => {
    const once = (function* () {
      yield* [1, 2, 3];
    })();
    expect(drain(iterableSource(once)(context(0, 1)))).toEqual([1, 2, 3]);
    // A restart in the same thread would find it exhausted: an error, not an empty source.
    expect(() => drain(iterableSource(once)(context(0, 1)))).toThrow(
      expect.objectContaining({
        code: 'ERR_SOURCE_REPLAY',
        message: expect.stringMatching(/one-shot iterator/),
      }),
    );
  });

  it('iterable source: a replay shorter than what the checkpoint consumed is a SourceReplayError', () => {
    const items = ['a', 'b', 'c', 'd'];
    const reader = iterableSource(items)(context(0, 1));
    reader.poll({ collect: () => {} }, 3);
    const splits = reader.snapshotSplits();
    items.length = 1;
    const resumed = iterableSource(items)(context(0, 1));
    expect(() => {
      resumed.restoreSplits(splits);
      drain(resumed);
    }).toThrow(
      expect.objectContaining({
        code: 'ERR_SOURCE_REPLAY',
        message: expect.stringMatching(/after 1 elements on replay.*consumed 3/),
      }),
    );
  });

  it('sequence source: numbers split by stride, generator applied, position rewinds', () => {
    const parts = readAll(
      sequenceSource(10, 30, (n) => n * 2),
      3,
    );
    expect(parts.flat().sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 20 }, (_, i) => (10 + i) * 2),
    );
    const reader = sequenceSource(0, 100, (n) => n)(context(0, 1));
    reader.poll({ collect: () => {} }, 10);
    expect(reader.snapshotSplits()).toEqual([{ next: 10, stride: 1, end: 100 }]);
    reader.restoreSplits([{ next: 95, stride: 1, end: 100 }]);
    expect(drain(reader)).toEqual([95, 96, 97, 98, 99]);
  });

  it.each([
    ['sequence', () => sequenceSource(0, 1000, (n) => n)],
    ['array', () => arraySource(Array.from({ length: 1000 }, (_, i) => i))],
  ])(
    '%s source: splits taken at parallelism 3 and dealt to 2 subtasks read every record once',
    (_name, make) => {
      const factory = make();
      const first = Array.from({ length: 3 }, (_, i) => factory(context(i, 3)));
      const seen: unknown[] = [];
      first.forEach((reader, i) => {
        reader.poll({ collect: (x) => seen.push(x) }, 50 * (i + 1));
      });
      const splits = first.flatMap((reader) => reader.snapshotSplits());
      const second = Array.from({ length: 2 }, (_, i) => factory(context(i, 2)));
      second.forEach((reader, i) => {
        reader.restoreSplits(splits.filter((_s, k) => k % 2 === i));
      });
      for (const reader of second) seen.push(...drain(reader));
      expect(seen.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    },
  );

  it('rate-limited sequence asks to be polled later instead of exceeding its rate', () => {
    const reader = sequenceSource(0, Number.POSITIVE_INFINITY, (n) => n, { ratePerSecond: 1 })(context(0, 1));
    const out: unknown[] = [];
    expect(reader.poll({ collect: (x) => out.push(x) }, 100)).toBe(SOURCE_MORE);
    expect(out).toEqual([0]);
    expect(reader.poll({ collect: (x) => out.push(x) }, 100)).toBeGreaterThan(0);
  });

  it('text file source: every line exactly once for any split, with CRLF, empty lines and long lines', () => {
    fc.assert(
      fc.property(
        fc
          .array(
            fc.oneof(
              fc.string({ maxLength: 20 }),
              fc.constant(''),
              fc.string({ minLength: 70_000, maxLength: 70_001 }),
            ),
            {
              maxLength: 30,
            },
          )
          .map((ls) => ls.map((l) => l.replace(/[\r\n]/g, '_'))),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        (lines, crlf, trailingNewline, parallelism) => {
          const eol = crlf ? '\r\n' : '\n';
          const text = lines.join(eol) + (trailingNewline && lines.length > 0 ? eol : '');
          const file = join(dir, 'lines.txt');
          writeFileSync(file, text);
          const got = readAll(textFileSource(file), parallelism).flat();
          // A newline ends a line; text after the last newline is one more line.
          const expected = text.split(eol);
          if (expected.at(-1) === '') expected.pop();
          // Subtasks claim ranges from a shared queue: each line once, in no particular order overall.
          expect([...got].sort()).toEqual([...expected].sort());
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('text file source: resumes at the byte offset it reported', () => {
    const file = join(dir, 'resume.txt');
    writeFileSync(file, 'één\ntwee\ndrie\nvier\n');
    const reader = textFileSource(file)(context(0, 1));
    const first: unknown[] = [];
    reader.poll({ collect: (x) => first.push(x) }, 2);
    reader.close?.();
    const resumed = textFileSource(file)(context(0, 1));
    resumed.restoreSplits(reader.snapshotSplits());
    expect([...first, ...drain(resumed)]).toEqual(['één', 'twee', 'drie', 'vier']);
    resumed.close?.();
  });
});
