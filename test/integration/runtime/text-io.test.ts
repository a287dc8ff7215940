// Every line of a text file comes out of the text sink exactly once, at parallelism 1, 2 and 4.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { executeJob } from '../../../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-text-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readOutput(path: string): string[] {
  const files = statSync(path).isDirectory() ? readdirSync(path).map((f) => join(path, f)) : [path];
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l, i, all) => i < all.length - 1 || l !== ''),
  );
}

describe.each([1, 2, 4])('text file source and sink at parallelism %i', (parallelism) => {
  it('copies every line exactly once', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'é'.repeat(i % 17)}`);
    const input = join(dir, `in-${parallelism}.txt`);
    writeFileSync(input, `${lines.join('\n')}\n`);
    const output = join(dir, `out-${parallelism}`);
    await executeJob(new URL('../jobs/text-io.job.ts', import.meta.url), {
      args: { input, output },
      environment: { parallelism },
    });
    expect(readOutput(output).sort()).toEqual(lines.map((l) => l.toUpperCase()).sort());
  });
});
