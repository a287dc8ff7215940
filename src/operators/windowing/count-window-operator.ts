/**
 * Count windows (Flink's `countWindow(size)`: a global window per key with a purging count
 * trigger): every `size` records of a key form a window, emitted and dropped when it is full. The
 * contents live in keyed state like those of time windows ({@link WindowStore}), under one window
 * per key that spans all time. Results keep the timestamp of the record that filled the window.
 */
import type { Key } from '../functions.ts';
import type { ResolvedKeySelector } from '../key-selector.ts';
import { backendOf } from '../keyed.ts';
import type { Operator, OperatorFactory } from '../operator.ts';
import { SideOutputRecord } from '../side-output.ts';
import { userFunctionError } from '../user-function-error.ts';
import type { TimeWindow } from './window-assigners.ts';
import type { ProcessWindowContext, WindowContents } from './window-function.ts';
import { WindowStore } from './window-store.ts';

const GLOBAL: TimeWindow = { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY };

export function countWindowOperator(
  key: ResolvedKeySelector,
  size: number,
  contents: WindowContents,
): OperatorFactory {
  return (context, output): Operator => {
    const backend = backendOf(context);
    const store = new WindowStore(backend, 'count-window', !contents.incremental);
    let watermark = Number.NEGATIVE_INFINITY;
    /** Accumulators made since the last snapshot: no snapshot shares them (see WindowContents.add). */
    let owned = new WeakSet<object>();
    return {
      process(record) {
        try {
          backend.setCurrentKey(key.fn(record));
          const meta = store.meta(GLOBAL);
          const n = (meta?.n ?? 0) + 1;
          let acc: unknown;
          if (contents.incremental) acc = contents.add(meta?.acc, record, owned);
          else store.addElement(GLOBAL, n - 1, record);
          store.setMeta(GLOBAL, contents.incremental ? { n, acc } : { n });
          if (n < size) return;
          const windowContext: ProcessWindowContext = {
            key: backend.currentKey as Key,
            window: { start: GLOBAL.start, end: GLOBAL.end, maxTimestamp: GLOBAL.end },
            currentWatermark: () => watermark,
            currentProcessingTime: () => context.processingTime.now(),
            output: (tag, value) => output.collect(new SideOutputRecord(tag.id, value)),
          };
          const full = contents.incremental ? acc : store.elements(GLOBAL);
          store.clear(GLOBAL);
          contents.emit(windowContext, full, output);
        } catch (error) {
          throw userFunctionError(context, record, error);
        }
      },
      processWatermark(timestamp) {
        watermark = timestamp;
        output.emitWatermark(timestamp);
      },
      snapshotState() {
        owned = new WeakSet(); // the snapshot now shares every accumulator
        return undefined;
      },
    };
  };
}
