/**
 * The word count as a weir user writes it: lines from an in-job generator (`fromIterable`, one
 * non-parallel source), from `fromGenerator` (splittable by line number) or from a file, then
 * parse → tokenise → keyBy(word) → count(). Batch mode collects the final counts (for the check);
 * streaming mode sends the update stream into a sink that keeps nothing but a tally.
 */
import { defineJob } from '../../../src/index.ts';
import { countWords } from '../count-words.ts';
import { lineAt, lineCollection } from './lines.ts';
import type { TrialSpec } from './trial-spec.ts';

export default defineJob<TrialSpec>((env, spec) => {
  const lines =
    spec.input === 'iterable'
      ? env.fromIterable(lineCollection(spec.records))
      : spec.input === 'sequence'
        ? env.fromGenerator(lineAt, { count: spec.records })
        : env.readTextFile(spec.path);
  const counts = countWords(lines.uid('lines'));
  if (spec.mode === 'batch') counts.collect({ uid: 'counts', name: 'counts' });
  else counts.discard();
});
