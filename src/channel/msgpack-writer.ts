/**
 * Writes msgpack values into one reusable, growing buffer, byte for byte as msgpackr's
 * `Packr({ useRecords: true })` writes them (float32 off): the primitives of
 * {@link FlatRecordEncoder}. Its methods are public so that the per-shape code the encoder
 * generates can call them, and small so that the optimising compiler inlines them there (a double
 * then goes from the record to the buffer without being boxed).
 *
 * Thread: whichever owns the encoder.
 */

/** Record ids take the bytes 0x40-0x7f, so positive integers from 0x40 up need a 0xcc prefix. */
const FIRST_RECORD_ID = 0x40;
const INITIAL_BYTES = 64 * 1024;
/**
 * Room kept free beyond what `ensure` is asked for: covers a string header that turns out longer
 * than first estimated (a non-ASCII string's UTF-8 length crossing a header size).
 */
const SLACK = 16;

export class MsgpackWriter {
  #buffer: Buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  #view = new DataView(this.#buffer.buffer, this.#buffer.byteOffset, this.#buffer.byteLength);
  #pos = 0;

  /** Bytes written so far. */
  get position(): number {
    return this.#pos;
  }

  /** Moves back to `position` (to start over, or to drop what was written after it). */
  rewind(position: number): void {
    this.#pos = position;
  }

  /** What was written since the last rewind to 0; valid until the next write. */
  bytes(): Uint8Array {
    return this.#buffer.subarray(0, this.#pos);
  }

  byte(value: number): void {
    this.#ensure(1);
    this.#buffer[this.#pos++] = value;
  }

  arrayHeader(length: number): void {
    this.#ensure(5);
    const b = this.#buffer;
    if (length < 0x10) {
      b[this.#pos++] = 0x90 | length;
    } else if (length < 0x10000) {
      b[this.#pos++] = 0xdc;
      b[this.#pos++] = length >> 8;
      b[this.#pos++] = length & 0xff;
    } else {
      b[this.#pos++] = 0xdd;
      this.#view.setUint32(this.#pos, length);
      this.#pos += 4;
    }
  }

  /** `d4 72 id` and the keys: a record definition, as msgpackr's `newRecord` writes it. */
  recordDefinition(id: number, keys: readonly string[]): void {
    this.#ensure(3);
    const b = this.#buffer;
    b[this.#pos++] = 0xd4;
    b[this.#pos++] = 0x72;
    b[this.#pos++] = id;
    this.arrayHeader(keys.length);
    for (const key of keys) this.string(key);
  }

  /** `true`, `false` or `null`; false (nothing written) for any other value. */
  literal(value: unknown): boolean {
    if (value !== true && value !== false && value !== null) return false;
    this.byte(value === null ? 0xc0 : value ? 0xc3 : 0xc2);
    return true;
  }

  /** Numbers as msgpackr writes them; kept small, like the helpers, so that it is inlined. */
  number(value: number): void {
    if (value >>> 0 === value) this.#unsigned(value);
    else if (value >> 0 === value) this.#negative(value);
    else this.#float64(value);
  }

  #float64(value: number): void {
    this.#ensure(9);
    const pos = this.#pos;
    this.#buffer[pos] = 0xcb;
    this.#view.setFloat64(pos + 1, value);
    this.#pos = pos + 9;
  }

  #unsigned(value: number): void {
    this.#ensure(5);
    const b = this.#buffer;
    let pos = this.#pos;
    if (value < FIRST_RECORD_ID) {
      b[pos++] = value;
    } else if (value < 0x100) {
      b[pos++] = 0xcc;
      b[pos++] = value;
    } else if (value < 0x10000) {
      b[pos++] = 0xcd;
      b[pos++] = value >> 8;
      b[pos++] = value & 0xff;
    } else {
      b[pos++] = 0xce;
      this.#view.setUint32(pos, value);
      pos += 4;
    }
    this.#pos = pos;
  }

  #negative(value: number): void {
    this.#ensure(5);
    const b = this.#buffer;
    let pos = this.#pos;
    if (value >= -0x20) {
      b[pos++] = 0x100 + value;
    } else if (value >= -0x80) {
      b[pos++] = 0xd0;
      b[pos++] = value + 0x100;
    } else if (value >= -0x8000) {
      b[pos++] = 0xd1;
      this.#view.setInt16(pos, value);
      pos += 2;
    } else {
      b[pos++] = 0xd2;
      this.#view.setInt32(pos, value);
      pos += 4;
    }
    this.#pos = pos;
  }

  /**
   * Short ASCII strings, the common case, take a tight loop; anything else goes to
   * {@link #anyString}.
   */
  string(value: string): void {
    const length = value.length;
    if (length < 0x20) {
      this.#ensure(length + 1);
      const b = this.#buffer;
      const start = this.#pos + 1;
      let i = 0;
      for (; i < length; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        b[start + i] = c;
      }
      if (i === length) {
        b[start - 1] = 0xa0 | length;
        this.#pos = start + length;
        return;
      }
    }
    this.#anyString(value);
  }

  /**
   * Strings exactly as msgpackr writes them: short ones (under 64 UTF-16 units) through a JS loop
   * that encodes lone surrogates as three bytes, longer ones through Buffer's UTF-8 writer; the
   * header is sized from the UTF-16 length first and the bytes moved when the UTF-8 length needs a
   * longer one.
   */
  #anyString(value: string): void {
    const strLength = value.length;
    const headerSize = strLength < 0x20 ? 1 : strLength < 0x100 ? 2 : strLength < 0x10000 ? 3 : 5;
    this.#ensure(strLength * 3 + headerSize);
    const b = this.#buffer;
    const pos = this.#pos;
    let length: number;
    if (strLength < 0x40) {
      let at = pos + headerSize;
      for (let i = 0; i < strLength; i++) {
        let c1 = value.charCodeAt(i);
        let c2: number;
        if (c1 < 0x80) {
          b[at++] = c1;
        } else if (c1 < 0x800) {
          b[at++] = (c1 >> 6) | 0xc0;
          b[at++] = (c1 & 0x3f) | 0x80;
        } else if ((c1 & 0xfc00) === 0xd800 && ((c2 = value.charCodeAt(i + 1)) & 0xfc00) === 0xdc00) {
          c1 = 0x10000 + ((c1 & 0x03ff) << 10) + (c2 & 0x03ff);
          i++;
          b[at++] = (c1 >> 18) | 0xf0;
          b[at++] = ((c1 >> 12) & 0x3f) | 0x80;
          b[at++] = ((c1 >> 6) & 0x3f) | 0x80;
          b[at++] = (c1 & 0x3f) | 0x80;
        } else {
          b[at++] = (c1 >> 12) | 0xe0;
          b[at++] = ((c1 >> 6) & 0x3f) | 0x80;
          b[at++] = (c1 & 0x3f) | 0x80;
        }
      }
      length = at - pos - headerSize;
    } else {
      length = b.write(value, pos + headerSize, 'utf8');
    }
    let p = pos;
    if (length < 0x20) {
      b[p++] = 0xa0 | length;
    } else if (length < 0x100) {
      if (headerSize < 2) b.copyWithin(p + 2, p + 1, p + 1 + length);
      b[p++] = 0xd9;
      b[p++] = length;
    } else if (length < 0x10000) {
      if (headerSize < 3) b.copyWithin(p + 3, p + 2, p + 2 + length);
      b[p++] = 0xda;
      b[p++] = length >> 8;
      b[p++] = length & 0xff;
    } else {
      if (headerSize < 5) b.copyWithin(p + 5, p + 3, p + 3 + length);
      b[p++] = 0xdb;
      this.#view.setUint32(p, length);
      p += 4;
    }
    this.#pos = p + length;
  }

  /** Makes room for `bytes` more bytes (plus slack), keeping what was written. */
  #ensure(bytes: number): void {
    if (this.#pos + bytes + SLACK > this.#buffer.length) this.#grow(this.#pos + bytes + SLACK);
  }

  #grow(needed: number): void {
    let size = this.#buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    this.#buffer.copy(grown, 0, 0, this.#pos);
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }
}
