/**
 * Redis stream entry ids (`<milliseconds>-<sequence>`, both unsigned 64-bit integers) and entry
 * fields: comparison, the timestamp an id carries, and the flat field list Redis replies with.
 */

/** Whether `id` is a complete stream id (`<ms>-<seq>`). */
export function isStreamId(id: string): boolean {
  return /^\d{1,20}-\d{1,20}$/.test(id);
}

/** Negative, zero or positive as id `a` is before, equal to or after id `b`. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

/** The milliseconds part of an id: when Redis added the entry (for auto-generated ids). */
export function timestampOf(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

/** `[f1, v1, f2, v2, ...]` as an object. */
export function fieldsOf(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}
