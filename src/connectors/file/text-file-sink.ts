/**
 * Writes records as lines of text. With parallelism 1 the path is the file; with more, the path is
 * a directory holding one `part-<subtask>` file per subtask (as Flink's file sinks do). Lines are
 * buffered and written synchronously in large chunks, then fsync'd when input ends.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { renderRecord } from '../../errors.ts';
import type { Operator, OperatorFactory } from '../../operators/operator.ts';

const FLUSH_CHARS = 64 * 1024;

/** Sink writing one line per record (strings as they are, anything else as JSON). */
export function textFileSink(path: string): OperatorFactory {
  return (context): Operator => {
    let file = path;
    if (context.parallelism > 1) {
      mkdirSync(path, { recursive: true });
      file = join(path, `part-${context.subtaskIndex}`);
    }
    const fd = openSync(file, 'w');
    let pending = '';
    const flush = (): void => {
      if (pending.length === 0) return;
      writeSync(fd, pending);
      pending = '';
    };
    let closed = false;
    return {
      process(record) {
        pending += `${typeof record === 'string' ? record : renderRecord(record, Number.MAX_SAFE_INTEGER)}\n`;
        if (pending.length >= FLUSH_CHARS) flush();
      },
      finish() {
        flush();
        fsyncSync(fd);
      },
      close() {
        if (closed) return;
        closed = true;
        flush();
        closeSync(fd);
      },
    };
  };
}
