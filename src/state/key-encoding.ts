/**
 * The canonical encoding of keys, which every thread and process computes identically: a key's
 * hash (and so its key group) is murmur3 over this encoding, and keys that JavaScript's `Map`
 * would tell apart by identity (arrays, plain objects) are stored under it (`key-decoding.ts` reads
 * it back). The encoding is a sequence of UTF-16 code units, so that it is also a string that can
 * serve as a `Map` key:
 *
 * ```
 * null    'z'                  false 'f'          true 't'
 * number  'n' u16 u16 u16 u16  IEEE-754 float64, little-endian units; -0 written as 0, NaN as 0x7ff8…0
 * bigint  'i' sign len32 hex   sign 0 or 1, magnitude in lower-case hex without leading zeros
 * string  's' len32 units
 * array   'a' len32 key*
 * object  'o' len32 (len32 units key)*   own enumerable string keys in ascending code-unit order
 * len32   u16 low, u16 high
 * ```
 *
 * So 1 and 1.0 are one key (they are one JS number), `{a, b}` and `{b, a}` are one key, and 1 and
 * 1n and '1' are three. Undefined, functions, symbols and objects other than arrays and plain
 * objects cannot be keys ({@link InvalidKeyError}). Hashing streams the encoding into murmur3, so
 * primitive keys are hashed without allocating.
 */
import { InvalidKeyError } from './errors.ts';
import { Murmur3Utf16, murmur3Finish, murmur3Mix } from './murmur3.ts';

/** The tag unit that opens each value of the encoding. */
export const KeyTag = {
  null: 0x7a, // z
  false: 0x66, // f
  true: 0x74, // t
  number: 0x6e, // n
  bigint: 0x69, // i
  string: 0x73, // s
  array: 0x61, // a
  object: 0x6f, // o
} as const;

/** Arrays and objects nested deeper than this are refused (it also catches cycles). */
const MAX_DEPTH = 64;

/** Map keys that start with this unit hold a canonical encoding, not a user string. */
export const ESCAPE = '\u0000';

/** Where encoded units go: the hasher, or a string builder. */
interface UnitSink {
  unit(u: number): void;
  units(s: string): void;
}

class StringSink implements UnitSink {
  #out = '';
  unit(u: number): void {
    this.#out += String.fromCharCode(u);
  }
  units(s: string): void {
    this.#out += s;
  }
  take(): string {
    const out = this.#out;
    this.#out = '';
    return out;
  }
}

/** Thrown inside the walker; the entry point turns it into an {@link InvalidKeyError}. */
class InvalidKeySignal {}
const INVALID = new InvalidKeySignal();

const hasher = new Murmur3Utf16();
const builder = new StringSink();
const f64 = new DataView(new ArrayBuffer(8));

function writeLength(n: number, sink: UnitSink): void {
  sink.unit(n & 0xffff);
  sink.unit(n >>> 16);
}

function writeKey(key: unknown, sink: UnitSink, depth: number): void {
  switch (typeof key) {
    case 'string':
      sink.unit(KeyTag.string);
      writeLength(key.length, sink);
      sink.units(key);
      return;
    case 'number':
      sink.unit(KeyTag.number);
      if (Number.isNaN(key)) {
        sink.unit(0);
        sink.unit(0);
        sink.unit(0);
        sink.unit(0x7ff8);
        return;
      }
      f64.setFloat64(0, key === 0 ? 0 : key, true);
      sink.unit(f64.getUint16(0, true));
      sink.unit(f64.getUint16(2, true));
      sink.unit(f64.getUint16(4, true));
      sink.unit(f64.getUint16(6, true));
      return;
    case 'boolean':
      sink.unit(key ? KeyTag.true : KeyTag.false);
      return;
    case 'bigint': {
      const negative = key < 0n;
      const hex = (negative ? -key : key).toString(16);
      sink.unit(KeyTag.bigint);
      sink.unit(negative ? 1 : 0);
      writeLength(hex.length, sink);
      sink.units(hex);
      return;
    }
    case 'object':
      if (key === null) sink.unit(KeyTag.null);
      else writeComposite(key, sink, depth + 1);
      return;
    default:
      throw INVALID;
  }
}

function writeComposite(key: object, sink: UnitSink, depth: number): void {
  if (depth > MAX_DEPTH) throw INVALID;
  if (Array.isArray(key)) {
    sink.unit(KeyTag.array);
    writeLength(key.length, sink);
    for (let i = 0; i < key.length; i++) writeKey(key[i], sink, depth);
    return;
  }
  if (!isPlainObject(key)) throw INVALID;
  const record = key as Record<string, unknown>;
  const names = Object.keys(record).sort();
  sink.unit(KeyTag.object);
  writeLength(names.length, sink);
  for (const name of names) {
    writeLength(name.length, sink);
    sink.units(name);
    writeKey(record[name], sink, depth);
  }
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The key's hash: murmur3_32 (seed 0) over the UTF-16LE bytes of its canonical encoding, unsigned.
 * @throws InvalidKeyError if the value cannot be a key.
 */
export function hashKey(key: unknown): number {
  // Fast paths for the common keys, hashing their encoding without the unit sink; they give the
  // same hash as the generic walk (a property test compares them with murmur3 over canonicalKey).
  if (typeof key === 'string') return hashStringKey(key);
  if (typeof key === 'number' && LITTLE_ENDIAN) return hashNumberKey(key);
  hasher.reset();
  try {
    writeKey(key, hasher, 0);
  } catch (error) {
    throw explain(error, key);
  }
  return hasher.digest();
}

const float = new Float64Array(1);
const floatUnits = new Uint16Array(float.buffer);
/** The float64's units can be read in place (as little-endian) on this platform. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// One murmur3 block (two units) mixed into `h`, and the tail and finalisation: see `murmur3.ts`.
const mix = murmur3Mix;
const finish = murmur3Finish;

/** The hash of a string key's encoding: 's', length low, length high, the string's units. */
function hashStringKey(s: string): number {
  const n = s.length;
  let h = mix(0, KeyTag.string | ((n & 0xffff) << 16));
  if (n === 0) return finish(h, n >>> 16, 3);
  h = mix(h, (n >>> 16) | (s.charCodeAt(0) << 16));
  let i = 1;
  for (; i + 1 < n; i += 2) h = mix(h, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
  return finish(h, i < n ? s.charCodeAt(i) : -1, n + 3);
}

/** The hash of a number key's encoding: 'n' and the float64's four units (-0 as 0, one NaN). */
function hashNumberKey(x: number): number {
  if (Number.isNaN(x)) {
    floatUnits[0] = 0;
    floatUnits[1] = 0;
    floatUnits[2] = 0;
    floatUnits[3] = 0x7ff8;
  } else {
    float[0] = x === 0 ? 0 : x;
  }
  let h = mix(0, KeyTag.number | (floatUnits[0]! << 16));
  h = mix(h, floatUnits[1]! | (floatUnits[2]! << 16));
  return finish(h, floatUnits[3]!, 5);
}

/**
 * The key's canonical encoding as a string.
 * @throws InvalidKeyError if the value cannot be a key.
 */
export function canonicalKey(key: unknown): string {
  try {
    writeKey(key, builder, 0);
  } catch (error) {
    builder.take();
    throw explain(error, key);
  }
  return builder.take();
}

/** A key's hash and the value state maps store it under, filled by {@link encodeKey}. */
export class EncodedKey {
  /** Unsigned 32-bit hash of the canonical encoding. */
  hash = 0;
  /** The key itself for primitives; an escaped canonical string for arrays and objects. */
  mapKey: unknown = undefined;
}

/**
 * Computes a key's hash and map key into `out` (reused by the caller: primitive keys cost no
 * allocation). Arrays, objects and strings that begin with U+0000 are stored under `ESCAPE` + their
 * canonical encoding, so they can never collide with a user's string key.
 * @throws InvalidKeyError if the value cannot be a key.
 */
export function encodeKey(key: unknown, out: EncodedKey): void {
  if (needsEscape(key)) {
    const canonical = canonicalKey(key);
    hasher.reset();
    hasher.units(canonical);
    out.hash = hasher.digest();
    out.mapKey = ESCAPE + canonical;
    return;
  }
  out.hash = hashKey(key);
  out.mapKey = key;
}

/**
 * The value a `Map` stores the key under (see {@link encodeKey}), without hashing.
 * @throws InvalidKeyError if the value cannot be a key.
 */
export function toMapKey(key: unknown): unknown {
  switch (typeof key) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return key;
    case 'string':
      return key.charCodeAt(0) === 0 ? ESCAPE + canonicalKey(key) : key;
    case 'object':
      return key === null ? key : ESCAPE + canonicalKey(key);
    default:
      throw explain(INVALID, key);
  }
}

function needsEscape(key: unknown): boolean {
  return typeof key === 'string' ? key.charCodeAt(0) === 0 : typeof key === 'object' && key !== null;
}

function explain(error: unknown, key: unknown): unknown {
  if (error !== INVALID) return error;
  const found = findInvalid(key, '', 0);
  return new InvalidKeyError(found?.[0] ?? typeName(key), found?.[1] ?? '');
}

/** Slow path, after a failure: the type and path of the first value that cannot be part of a key. */
function findInvalid(value: unknown, path: string, depth: number): [string, string] | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return undefined;
    case 'object': {
      if (value === null) return undefined;
      if (depth >= MAX_DEPTH) return ['cyclic or too deeply nested object', path];
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const found = findInvalid(value[i], `${path}[${i}]`, depth + 1);
          if (found) return found;
        }
        return undefined;
      }
      if (!isPlainObject(value)) return [typeName(value), path];
      for (const [name, item] of Object.entries(value)) {
        const step = /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
        const found = findInvalid(item, path + step, depth + 1);
        if (found) return found;
      }
      return undefined;
    }
    default:
      return [typeof value, path];
  }
}

function typeName(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  const ctor: unknown = (value as { constructor?: unknown }).constructor;
  if (typeof ctor === 'function' && ctor.name !== '') return ctor.name;
  return Object.prototype.toString.call(value).slice(8, -1);
}
