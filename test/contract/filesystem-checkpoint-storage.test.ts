// Filesystem checkpoint storage satisfies the checkpoint-storage contract (state in fsync'd files).
import { open, rm, truncate } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FilesystemCheckpointStorage } from '../../src/checkpoint/storage/filesystem-storage.ts';
import { checkpointStorageContract } from './checkpoint-storage.case.ts';

checkpointStorageContract('FilesystemCheckpointStorage', (scratch) => ({
  storage: new FilesystemCheckpointStorage(resolve(scratch, 'checkpoints')),
  async damage(checkpoint, handle, damage) {
    if (handle.kind !== 'file') return false;
    const file = resolve(checkpoint.pointer, handle.path);
    if (damage === 'delete') await rm(file);
    else if (damage === 'truncate') await truncate(file, handle.bytes - 1);
    else {
      const fd = await open(file, 'r+');
      const byte = new Uint8Array(1);
      await fd.read(byte, 0, 1, 0);
      byte[0] = byte[0]! ^ 0xff;
      await fd.write(byte, 0, 1, 0);
      await fd.close();
    }
    return true;
  },
}));
