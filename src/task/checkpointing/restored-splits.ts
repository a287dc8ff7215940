/**
 * A source's restored state, checked before the source reads it (worker thread): every state is
 * `{ splits: [...] }`, and every split has the shape of the splits this source writes itself
 * (the keys of its own first split, each of the same type, `null` standing for any). A checkpoint
 * edited by hand, with its checksums recomputed, then fails naming the operator and the file,
 * instead of handing the source something it would read forever.
 */
import { resolveHandle } from '../../checkpoint/storage/reader.ts';
import type { StateHandle } from '../../checkpoint/storage/state-handle.ts';
import { describeValue } from '../../errors.ts';
import { RestoredStateShapeError } from '../../state/errors.ts';

/**
 * The splits of `states` (decoded from `handles`, in the same order), checked against `template`
 * (the source's own snapshot before the restore); throws {@link RestoredStateShapeError}.
 */
export function restoredSplits(
  operatorUid: string,
  handles: readonly StateHandle[],
  states: readonly unknown[],
  pointer: string,
  template: readonly unknown[],
): unknown[] {
  const splits: unknown[] = [];
  states.forEach((state, i) => {
    const handle = handles[i]!;
    const file = handle.kind === 'file' ? resolveHandle(handle.path, pointer) : `${pointer}/_metadata`;
    const list = (state as { splits?: unknown } | null)?.splits;
    if (!Array.isArray(list))
      throw new RestoredStateShapeError(operatorUid, file, `splits is ${describeValue(list)}, not a list`);
    for (const split of list) {
      const problem = template.length === 0 ? undefined : shapeProblem(split, template[0]);
      if (problem !== undefined)
        throw new RestoredStateShapeError(operatorUid, file, `split ${describeValue(split)}: ${problem}`);
      splits.push(split);
    }
  });
  return splits;
}

/** How `value` differs from the shape of `like`, or undefined. */
function shapeProblem(value: unknown, like: unknown): string | undefined {
  if (like === null || like === undefined) return undefined;
  if (Array.isArray(like)) return Array.isArray(value) ? undefined : 'not a list';
  if (typeof like !== 'object') return typeof value === typeof like ? undefined : `not a ${typeof like}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  for (const [key, expected] of Object.entries(like)) {
    const got = (value as Record<string, unknown>)[key];
    if (expected === null || got === null) continue;
    if (!Object.hasOwn(value, key)) return `${key} is missing`;
    if (Array.isArray(expected) !== Array.isArray(got) || typeof got !== typeof expected)
      return `${key} is ${describeValue(got)}, not a ${Array.isArray(expected) ? 'list' : typeof expected}`;
  }
  return undefined;
}
