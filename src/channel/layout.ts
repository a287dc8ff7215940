/**
 * Byte layout of a ring's SharedArrayBuffer and of its frames: every slot offset used by the
 * producer and consumer threads is named here, and nowhere else.
 *
 * ```
 * SharedArrayBuffer of a ring (capacity C, a power of two):
 *  byte 0    ┌──────────────────────┐ cache line 0: WRITE_POS   (written by the producer only)
 *  byte 64   ├──────────────────────┤ cache line 1: READ_POS    (written by the consumer only)
 *  byte 128  ├──────────────────────┤ cache line 2: PRODUCER_PARKED, SPACE_SEQ (producer's wake-up)
 *  byte 192  ├──────────────────────┤ cache line 3: CLOSED
 *  byte 256  ├──────────────────────┤ data: C bytes of frames
 *            └──────────────────────┘
 * A frame: [u32 payload length][u8 kind][u8 flags][u16 reserved][payload, padded to 8 bytes]
 * ```
 * Positions are unsigned 32-bit counters that only grow (modulo 2^32); a byte's place in the data
 * region is `position & (C - 1)`, which stays right across the 2^32 wrap because C divides 2^32.
 */

/** Bytes of one cache line; hot counters written by different threads live on different lines. */
export const CACHE_LINE_BYTES = 64;

/** Int32 index of the producer's write position. */
export const WRITE_POS = 0;
/** Int32 index of the consumer's read position. */
export const READ_POS = CACHE_LINE_BYTES / 4;
/** Int32 index of the flag a producer sets before it sleeps on a full ring. */
export const PRODUCER_PARKED = (2 * CACHE_LINE_BYTES) / 4;
/** Int32 index of the counter a parked producer waits on; the consumer bumps it after freeing space. */
export const SPACE_SEQ = PRODUCER_PARKED + 1;
/** Int32 index of the closed flag: once set, both sides stop waiting. */
export const CLOSED = (3 * CACHE_LINE_BYTES) / 4;

/** Bytes before the data region. */
export const HEADER_BYTES = 4 * CACHE_LINE_BYTES;

/** Bytes of a frame header. */
export const FRAME_HEADER_BYTES = 8;
/** Frames start on 8-byte boundaries, so a header never straddles the end of the data region. */
export const FRAME_ALIGN = 8;

/** Smallest and largest ring capacities accepted (bytes of the data region). */
export const MIN_RING_CAPACITY = 1024;
export const MAX_RING_CAPACITY = 1 << 30;

/**
 * Doorbell of a consumer: one wake-up word shared by all rings that feed it.
 * ```
 * Int32[DOORBELL_SEQ]    bumped by any producer that published while the consumer was parked
 * Int32[DOORBELL_PARKED] set by the consumer before it sleeps
 * ```
 */
export const DOORBELL_SEQ = 0;
export const DOORBELL_PARKED = CACHE_LINE_BYTES / 4;
export const DOORBELL_BYTES = 2 * CACHE_LINE_BYTES;

/** Rounds `n` up to the frame alignment. */
export function alignFrame(n: number): number {
  return (n + (FRAME_ALIGN - 1)) & ~(FRAME_ALIGN - 1);
}
