// The asynchronous split reader emits what its fetcher delivers in order, checkpoints the position
// after the last record emitted (not the last fetched), ends when every split ended, spreads splits
// by key order over the subtasks, and after a restore drops a fetch in flight and reads on from the
// restored positions.
import { describe, expect, it } from 'vitest';
import {
  AsyncSplitReader,
  assignSplits,
  type FetchResult,
  type SplitFetcher,
} from '../../../../src/connectors/source/async-split-reader.ts';
import { SOURCE_END, SOURCE_MORE } from '../../../../src/operators/operator.ts';

interface Split {
  readonly key: string;
  readonly next: number;
  readonly end: number;
}

/** Splits of numbers `next` … `end - 1`; each fetch is resolved by the test. */
class NumbersFetcher implements SplitFetcher<Split> {
  readonly pending: Array<{ splits: readonly Split[]; resolve: (r: FetchResult<Split>) => void }> = [];
  key(split: Split): string {
    return split.key;
  }
  fetch(splits: readonly Split[]): Promise<FetchResult<Split>> {
    return new Promise((resolve) => this.pending.push({ splits, resolve }));
  }
  /** Answers the oldest fetch with up to `per` numbers of each split. */
  answer(per: number): void {
    const { splits, resolve } = this.pending.shift()!;
    const records: Array<{ record: unknown; split: Split }> = [];
    const ended: string[] = [];
    for (const split of splits) {
      let next = split.next;
      for (; next < Math.min(split.end, split.next + per); next++)
        records.push({ record: `${split.key}${next}`, split: { ...split, next: next + 1 } });
      if (next >= split.end) ended.push(split.key);
    }
    resolve({ records, ended });
  }
  async close(): Promise<void> {}
}

function collector(): { out: { collect: (r: unknown) => void }; records: unknown[] } {
  const records: unknown[] = [];
  return { out: { collect: (r) => records.push(r) }, records };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('AsyncSplitReader', () => {
  it('checkpoints the position after the last record emitted and ends with its splits', async () => {
    const fetcher = new NumbersFetcher();
    const reader = new AsyncSplitReader(fetcher, [{ key: 'a', next: 0, end: 5 }], 0, 1);
    const { out, records } = collector();
    expect(reader.poll(out, 10)).toBeGreaterThan(0); // nothing yet: come back soon
    fetcher.answer(3);
    await turn();
    expect(reader.poll(out, 2)).toBe(SOURCE_MORE);
    expect(records).toEqual(['a0', 'a1']);
    expect(reader.snapshotSplits()).toEqual([{ key: 'a', next: 2, end: 5 }]);
    reader.poll(out, 10);
    fetcher.answer(3);
    await turn();
    reader.poll(out, 10);
    expect(records).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(reader.snapshotSplits()).toEqual([]);
    expect(reader.poll(out, 10)).toBe(SOURCE_END);
  });

  it('drops a fetch in flight on restore and reads on from the restored positions', async () => {
    const fetcher = new NumbersFetcher();
    const reader = new AsyncSplitReader(fetcher, [{ key: 'a', next: 0, end: 9 }], 0, 1);
    const { out, records } = collector();
    reader.poll(out, 10);
    reader.restoreSplits([{ key: 'a', next: 6, end: 9 }]);
    fetcher.answer(3); // the fetch from before the restore: ignored
    await turn();
    reader.poll(out, 10);
    fetcher.answer(3);
    await turn();
    reader.poll(out, 10);
    expect(records).toEqual(['a6', 'a7', 'a8']);
  });

  it('deals splits by key order: every p-th to each subtask', () => {
    const splits = ['d', 'b', 'a', 'c', 'e'].map((key) => ({ key }));
    const mine = (i: number) => assignSplits(splits, (s) => s.key, i, 2).map((s) => s.key);
    expect([mine(0), mine(1)]).toEqual([
      ['a', 'c', 'e'],
      ['b', 'd'],
    ]);
  });
});
