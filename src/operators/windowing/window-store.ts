/**
 * The contents of a keyed window operator's windows, in keyed state (so in every checkpoint, per
 * key group, in either backend): per key, a map from window `[start, end]` to `{ n, acc }` (how
 * many elements it took, and the accumulator of incremental windows), and for windows that keep
 * every element a second map from `[start, end, seq]` to the element. An aggregate window thus
 * holds one accumulator however many records it takes.
 *
 * Thread: the operator's subtask thread; every method works on the backend's current key.
 */
import type { KeyedStateBackend } from '../../state/keyed-state-backend.ts';
import { type MapState, mapState } from '../../state/map-state.ts';
import type { TimeWindow } from './window-assigners.ts';

type WindowKey = [number, number];
type ElementKey = [number, number, number];

/** What a window holds besides its elements. */
export interface WindowMeta {
  /** Elements added (also the next element's sequence number). */
  readonly n: number;
  /** The accumulator of an incremental window. */
  readonly acc?: unknown;
}

export class WindowStore {
  readonly #meta: MapState<WindowKey, WindowMeta>;
  readonly #elements: MapState<ElementKey, unknown> | undefined;

  /** `prefix` names the two states; `keepElements`: windows keep every element. */
  constructor(backend: KeyedStateBackend, prefix: string, keepElements: boolean) {
    this.#meta = backend.getState(mapState<WindowKey, WindowMeta>(`${prefix}.windows`));
    this.#elements = keepElements
      ? backend.getState(mapState<ElementKey, unknown>(`${prefix}.elements`))
      : undefined;
  }

  /** The current key's windows. */
  windows(): TimeWindow[] {
    const windows: TimeWindow[] = [];
    for (const [start, end] of this.#meta.keys()) windows.push({ start, end });
    return windows;
  }

  meta(window: TimeWindow): WindowMeta | undefined {
    return this.#meta.get([window.start, window.end]);
  }

  /** Sets a window's meta (a new object: the state owns it). */
  setMeta(window: TimeWindow, meta: WindowMeta): void {
    this.#meta.put([window.start, window.end], meta);
  }

  /** Adds an element to a window that keeps elements, as its `seq`-th. */
  addElement(window: TimeWindow, seq: number, element: unknown): void {
    this.#elements!.put([window.start, window.end, seq], element);
  }

  /** A window's elements in arrival order. */
  elements(window: TimeWindow): unknown[] {
    const meta = this.meta(window);
    const elements: unknown[] = [];
    if (meta === undefined || this.#elements === undefined) return elements;
    for (let seq = 0; seq < meta.n; seq++) {
      const element = this.#elements.get([window.start, window.end, seq]);
      if (element !== undefined) elements.push(element);
    }
    return elements;
  }

  /** Removes a window and its elements. */
  clear(window: TimeWindow): void {
    const meta = this.meta(window);
    if (meta === undefined) return;
    if (this.#elements !== undefined)
      for (let seq = 0; seq < meta.n; seq++) this.#elements.remove([window.start, window.end, seq]);
    this.#meta.remove([window.start, window.end]);
  }

  /**
   * Moves the elements of `sources` into `target` (merging windows that keep elements): appended
   * after `target`'s own, source by source.
   */
  moveElements(
    sources: readonly TimeWindow[],
    target: TimeWindow,
    targetMeta: WindowMeta | undefined,
  ): number {
    let n = targetMeta?.n ?? 0;
    for (const source of sources) {
      for (const element of this.elements(source))
        this.#elements!.put([target.start, target.end, n++], element);
    }
    return n;
  }
}
