/**
 * Single-thread micro-benchmarks (tinybench) of the pieces a record crosses, on 1000 small records:
 * encoding with msgpackr's Packr and with weir's RecordEncoder (its flat fast path), decoding with
 * msgpackr from ordinary memory, from a SharedArrayBuffer view, and through RecordDecoder (copy,
 * then decode), a structured clone (what postMessage does to an array), and the whole
 * ChannelWriter → ring → InputGate path on one thread.
 */
import { Packr, Unpackr } from 'msgpackr';
import { Bench } from 'tinybench';
import { ChannelWriter } from '../../src/channel/channel-writer.ts';
import { InputGate } from '../../src/channel/input-gate.ts';
import { RecordDecoder, RecordEncoder } from '../../src/channel/record-codec.ts';
import { createRing } from '../../src/channel/ring-buffer.ts';
import type { BenchRecord } from './records.ts';

export interface MicroResult {
  readonly name: string;
  /** Records per second (each iteration handles `records` records). */
  readonly recordsPerSecond: number;
  /** Relative margin of error of the mean, in percent. */
  readonly rme: number;
}

export async function runMicro(
  pool: readonly BenchRecord[],
  records: number,
  budget: { readonly timeMs: number; readonly warmupMs: number },
): Promise<MicroResult[]> {
  const batch = Array.from({ length: records }, (_, i) => pool[i % pool.length]!);
  const encoder = new RecordEncoder('micro');
  const decoder = new RecordDecoder();
  // weir's codec options (record-codec.ts), without weir's fast path and copy.
  const packr = new Packr({ useRecords: true, moreTypes: true });
  const unpackr = new Unpackr({ useRecords: true, moreTypes: true });
  const encoded = new Uint8Array(encoder.encode(batch));
  const shared = new Uint8Array(new SharedArrayBuffer(encoded.length + 256), 256, encoded.length);
  shared.set(encoded);

  const ring = createRing({ capacity: 1 << 20, name: 'micro' });
  const writer = new ChannelWriter(ring);
  const gate = new InputGate([ring]);

  const bench = new Bench({ time: budget.timeMs, warmupTime: budget.warmupMs });
  bench
    .add('encode: msgpackr Packr.pack', () => packr.pack(batch))
    .add('encode: weir RecordEncoder (flat path)', () => encoder.encode(batch))
    .add('decode: msgpackr unpack, ordinary memory', () => unpackr.unpack(encoded))
    .add('decode: msgpackr unpack, SharedArrayBuffer view', () => unpackr.unpack(shared))
    .add('decode: weir RecordDecoder (copy out of SAB, unpack)', () => decoder.decode(shared))
    .add('structuredClone of the array', () => structuredClone(batch))
    .add('ChannelWriter → ring → InputGate, one thread', () => {
      for (const r of batch) writer.emit(r);
      writer.flush();
      let n = 0;
      for (let e = gate.poll(); e !== null; e = gate.poll()) {
        if (e.event.kind === 'records') n += e.event.records.length;
      }
      return n;
    });
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`micro-benchmark '${task.name}' ended ${result.state}`);
    return {
      name: task.name,
      recordsPerSecond: (1000 / result.period) * records,
      rme: result.latency.rme,
    };
  });
}
