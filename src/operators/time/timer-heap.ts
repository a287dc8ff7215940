/**
 * A binary min-heap of timers by time, ties broken by insertion order so that timers of equal time
 * fire in the order they were set (deterministic runs). Thread: one subtask's thread.
 */

/** One entry: its time and what it carries. */
export interface HeapEntry<V> {
  readonly time: number;
  readonly value: V;
  readonly seq: number;
}

export class TimerHeap<V> {
  readonly #items: HeapEntry<V>[] = [];
  #seq = 0;

  get size(): number {
    return this.#items.length;
  }

  /** The earliest time, Infinity when empty. */
  peekTime(): number {
    return this.#items[0]?.time ?? Number.POSITIVE_INFINITY;
  }

  push(time: number, value: V): void {
    const items = this.#items;
    items.push({ time, value, seq: this.#seq++ });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): HeapEntry<V> | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && before(items[l]!, items[m]!)) m = l;
      if (r < items.length && before(items[r]!, items[m]!)) m = r;
      if (m === i) break;
      [items[i], items[m]] = [items[m]!, items[i]!];
      i = m;
    }
    return top;
  }

  /** Removes every entry. */
  clear(): void {
    this.#items.length = 0;
  }
}

function before<V>(a: HeapEntry<V>, b: HeapEntry<V>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
