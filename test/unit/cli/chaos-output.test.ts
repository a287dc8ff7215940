// Run outputs compare as multisets: lost lines, extra copies (duplicates) and lines the reference
// never had are counted apart; collect batches of one transaction count once.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareOutputs, readRunOutput } from '../../../src/cli/chaos/chaos-output.ts';

const root = mkdtempSync(join(tmpdir(), 'weir-chaos-output-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('chaos output', () => {
  it('counts lost, duplicated and unexpected lines', () => {
    const reference = new Map([['file:out', ['a', 'a', 'b', 'c']]]);
    const run = new Map([['file:out', ['a', 'b', 'b', 'b', 'x']]]);
    expect(compareOutputs(reference, run)).toEqual([
      {
        output: 'file:out',
        missing: 2,
        duplicates: 2,
        unexpected: 1,
        examples: { missing: ['a', 'c'], duplicates: ['b', 'b'], unexpected: ['x'] },
      },
    ]);
    expect(compareOutputs(reference, new Map([['file:out', ['c', 'b', 'a', 'a']]]))).toEqual([]);
  });

  it('reads committed files, skips in-progress and hidden ones, and keeps a transaction once', () => {
    const dir = join(root, 'run');
    mkdirSync(join(dir, 'out'), { recursive: true });
    mkdirSync(join(dir, '.weir-chaos'), { recursive: true });
    writeFileSync(join(dir, 'out', 'part-0'), 'x 1\nx 2\n');
    writeFileSync(join(dir, 'out', 'part-1.inprogress'), 'y 1\n');
    writeFileSync(join(dir, 'out', '.hidden'), 'z\n');
    const batch = (transaction: string, records: unknown[]) =>
      JSON.stringify({ uid: 'c', transaction, records });
    writeFileSync(
      join(dir, '.weir-chaos', 'collected.jsonl'),
      `${batch('t1', [1])}\n${batch('t1', [1])}\n${batch('t2', [{ a: 2 }])}\n`,
    );
    expect(readRunOutput(dir, 'printed\n')).toEqual(
      new Map([
        ['file:out', ['x 1', 'x 2']],
        ['collect:c', ['1', '{"a":2}']],
        ['stdout', ['printed']],
      ]),
    );
  });
});
