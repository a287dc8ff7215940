// Handle checksums: CRC-32 where Node has zlib.crc32, SHA-256 otherwise; readers verify either, with
// the algorithm the checksum names, so checkpoints written by either version stay readable.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readState } from '../../../src/checkpoint/storage/reader.ts';
import {
  algorithmOf,
  checksumOf,
  isChecksum,
  matchesChecksum,
} from '../../../src/checkpoint/storage/state-handle.ts';

const data = new TextEncoder().encode('some state bytes');

describe('handle checksums', () => {
  it('are CRC-32 on this Node, and SHA-256 when asked', () => {
    const crc = checksumOf(data);
    expect(crc).toMatch(/^crc32:[0-9a-f]{8}$/);
    expect(isChecksum(crc)).toBe(true);
    expect(algorithmOf(crc)).toBe('crc32');
    const sha = checksumOf(data, 'sha256');
    expect(sha).toBe(`sha256:${createHash('sha256').update(data).digest('hex')}`);
    expect(isChecksum(sha)).toBe(true);
  });

  it('verify with the algorithm they name, and catch a flipped byte with either', async () => {
    for (const algorithm of ['crc32', 'sha256'] as const) {
      const checksum = checksumOf(data, algorithm);
      expect(matchesChecksum(data, checksum)).toBe(true);
      const flipped = data.slice();
      flipped[3]! ^= 1;
      expect(matchesChecksum(flipped, checksum)).toBe(false);
      await expect(readState({ kind: 'inline', data, bytes: data.length, checksum })).resolves.toBe(data);
      await expect(
        readState({ kind: 'inline', data: flipped, bytes: data.length, checksum }),
      ).rejects.toMatchObject({ code: 'ERR_CHECKPOINT_CORRUPT', problem: 'checksum-mismatch' });
    }
  });
});
