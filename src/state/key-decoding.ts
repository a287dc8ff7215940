/**
 * Decoding of weir's canonical key encoding (the format is described in `key-encoding.ts`): turns
 * the map keys under which state stores array and object keys back into the user's keys, for key
 * iteration and snapshots. Only ever fed encodings that `key-encoding.ts` produced, so a malformed
 * input is a bug and raises a plain Error.
 */
import { ESCAPE, KeyTag } from './key-encoding.ts';

const f64 = new DataView(new ArrayBuffer(8));

/** The user's key back from a map key made by `toMapKey` or `encodeKey`. */
export function fromMapKey(mapKey: unknown): unknown {
  return typeof mapKey === 'string' && mapKey.charCodeAt(0) === ESCAPE.charCodeAt(0)
    ? decodeCanonicalKey(mapKey, ESCAPE.length)
    : mapKey;
}

/** Decodes a canonical encoding (as produced by `canonicalKey`) starting at unit `from`. */
export function decodeCanonicalKey(encoded: string, from = 0): unknown {
  const reader = { s: encoded, at: from };
  const key = readKey(reader);
  if (reader.at !== encoded.length) throw new Error('malformed canonical key: trailing units');
  return key;
}

interface Reader {
  readonly s: string;
  at: number;
}

function take(r: Reader): number {
  if (r.at >= r.s.length) throw new Error('malformed canonical key: truncated');
  return r.s.charCodeAt(r.at++);
}

function takeLength(r: Reader): number {
  const low = take(r);
  return low + take(r) * 0x10000;
}

function takeUnits(r: Reader, n: number): string {
  if (r.at + n > r.s.length) throw new Error('malformed canonical key: truncated');
  const text = r.s.slice(r.at, r.at + n);
  r.at += n;
  return text;
}

function readKey(r: Reader): unknown {
  const tag = take(r);
  switch (tag) {
    case KeyTag.null:
      return null;
    case KeyTag.false:
      return false;
    case KeyTag.true:
      return true;
    case KeyTag.number:
      for (let i = 0; i < 4; i++) f64.setUint16(i * 2, take(r), true);
      return f64.getFloat64(0, true);
    case KeyTag.bigint: {
      const negative = take(r) === 1;
      const magnitude = BigInt(`0x${takeUnits(r, takeLength(r))}`);
      return negative ? -magnitude : magnitude;
    }
    case KeyTag.string:
      return takeUnits(r, takeLength(r));
    case KeyTag.array: {
      const items: unknown[] = new Array(takeLength(r));
      for (let i = 0; i < items.length; i++) items[i] = readKey(r);
      return items;
    }
    case KeyTag.object: {
      const record: Record<string, unknown> = {};
      for (let n = takeLength(r); n > 0; n--) {
        const name = takeUnits(r, takeLength(r));
        // defineProperty, so that an own "__proto__" key stays a key and never sets the prototype.
        Object.defineProperty(record, name, {
          value: readKey(r),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return record;
    }
    default:
      throw new Error(`malformed canonical key: unknown tag ${tag}`);
  }
}
