// Memory checkpoint storage satisfies the checkpoint-storage contract (state travels inline in acks).

import { MemoryCheckpointStorage } from '../../src/checkpoint/storage/memory-storage.ts';
import type { InlineStateHandle } from '../../src/checkpoint/storage/state-handle.ts';
import { checkpointStorageContract } from './checkpoint-storage.case.ts';

checkpointStorageContract('MemoryCheckpointStorage', () => ({
  storage: new MemoryCheckpointStorage(),
  async damage(_checkpoint, handle, damage) {
    if (handle.kind !== 'inline' || damage === 'delete') return false;
    const inline = handle as { -readonly [K in keyof InlineStateHandle]: InlineStateHandle[K] };
    if (damage === 'flip') inline.data[0] = inline.data[0]! ^ 0xff;
    else inline.data = inline.data.subarray(0, inline.data.length - 1);
    return true;
  },
}));
