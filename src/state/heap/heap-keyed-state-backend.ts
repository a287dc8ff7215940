import { yieldToEventLoop } from '../../util/event-loop.ts';
import { type AnyStateDescriptor, checkStateDescriptor } from '../any-state-descriptor.ts';
import { checkKeyGroupOwned, keyNotOwned, kindConflict, resolveKeyGroups } from '../backend-checks.ts';
import { fromMapKey } from '../key-decoding.ts';
import { encodeKey } from '../key-encoding.ts';
import { checkKeyGroupBlob } from '../key-group-codec.ts';
import { DEFAULT_MAX_PARALLELISM, type KeyGroupRange } from '../key-groups.ts';
import type { KeyedStateBackend, RestoreOptions } from '../keyed-state-backend.ts';
import type { KeyedStateSnapshot, KeyGroupStateHandle } from '../keyed-state-snapshot.ts';
import type { StateDescriptor, StateKind } from '../state-descriptor.ts';
import { heapKind } from './heap-kind-registry.ts';
import {
  decodeKeyGroup,
  decodeKeyGroups,
  planKeyGroups,
  type RestoredTable,
  type RestoreTarget,
} from './heap-restore.ts';
import { HeapSnapshot } from './heap-snapshot.ts';
import { KeyContext } from './key-context.ts';
import { Epochs, StateTables } from './state-table.ts';

/** Options of {@link HeapKeyedStateBackend}. */
export interface HeapKeyedStateBackendOptions {
  /** Number of key groups of the operator (default {@link DEFAULT_MAX_PARALLELISM}). */
  readonly maxParallelism?: number;
  /** The key groups this subtask owns (default: all); see `keyGroupRangeForOperator`. */
  readonly keyGroupRange?: KeyGroupRange;
}

/** A registered state: its tables and the handles made for its descriptors. */
interface Registration {
  readonly tables: StateTables<unknown>;
  readonly handles: Map<AnyStateDescriptor, unknown>;
}

/** Keyed state on the JS heap of one operator subtask. */
export class HeapKeyedStateBackend<K = unknown> implements KeyedStateBackend<K> {
  readonly #maxParallelism: number;
  readonly #range: KeyGroupRange;
  readonly #groupCount: number;
  readonly #ctx = new KeyContext();
  readonly #states = new Map<string, Registration>();
  readonly #epochs = new Epochs();
  readonly #restored = new Set<number>();
  /** Lazily restored key groups not decoded yet, by local group: checked blobs. */
  readonly #lazy = new Map<number, KeyGroupStateHandle[]>();
  /** `#lazy.size`, read on the hot path. */
  #lazyCount = 0;
  /** Kinds of the states decoded lazily so far (one name, one kind, across key groups). */
  readonly #lazyKinds = new Map<string, StateKind>();
  /** A background decode failed: every later access that needs state throws it. */
  #lazyError: unknown;
  #backgroundScheduled = false;

  /** @throws InvalidOptionError for a bad max parallelism or key-group range. */
  constructor(options: HeapKeyedStateBackendOptions = {}) {
    const { maxParallelism, range } = resolveKeyGroups(options);
    this.#maxParallelism = maxParallelism;
    this.#range = range;
    this.#groupCount = range.end - range.start + 1;
  }

  get maxParallelism(): number {
    return this.#maxParallelism;
  }

  get keyGroupRange(): KeyGroupRange {
    return this.#range;
  }

  get currentKey(): K | undefined {
    return this.#ctx.key as K | undefined;
  }

  get currentKeyGroup(): number {
    return this.#ctx.keyGroup;
  }

  setCurrentKey(key: K): void {
    const ctx = this.#ctx;
    // Consecutive records often share a key: skip re-hashing a primitive key.
    if (ctx.group >= 0 && key === ctx.key && typeof key !== 'object') return;
    if (ctx.disposed) ctx.fail();
    ctx.reset();
    encodeKey(key, ctx.encoded);
    const keyGroup = ctx.encoded.hash % this.#maxParallelism;
    const group = keyGroup - this.#range.start;
    if (group < 0 || group >= this.#groupCount) throw keyNotOwned(key, keyGroup, this.#range);
    if (this.#lazyCount > 0) this.#decodeLazy(group);
    ctx.key = key;
    ctx.mapKey = ctx.encoded.mapKey;
    ctx.keyGroup = keyGroup;
    ctx.group = group;
  }

  getState<S>(descriptor: StateDescriptor<S>): S {
    const d = checkStateDescriptor(descriptor);
    const registration = this.#register(d.name, d.kind);
    let handle = registration.handles.get(d);
    if (handle === undefined) {
      handle = heapKind(d.kind).create(this.#ctx, registration.tables, d);
      registration.handles.set(d, handle);
    }
    return handle as S;
  }

  *keys(stateName: string): IterableIterator<K> {
    for (let keyGroup = this.#range.start; keyGroup <= this.#range.end; keyGroup++)
      yield* this.keysInKeyGroup(stateName, keyGroup);
  }

  *keysInKeyGroup(stateName: string, keyGroup: number): IterableIterator<K> {
    this.#checkOpen();
    checkKeyGroupOwned(this.#range, keyGroup);
    this.#decodeLazy(keyGroup - this.#range.start);
    const table = this.#states.get(stateName)?.tables.byGroup[keyGroup - this.#range.start];
    if (table !== undefined) for (const mapKey of table.map.keys()) yield fromMapKey(mapKey) as K;
  }

  applyToAllKeys<S>(descriptor: StateDescriptor<S>, fn: (key: K, state: S) => void): void {
    this.#decodeAllLazy();
    const state = this.getState(descriptor);
    const tables = this.#states.get(descriptor.name)!.tables;
    const ctx = this.#ctx;
    const { key, mapKey, group, keyGroup } = ctx;
    try {
      for (let g = 0; g < this.#groupCount; g++) {
        const table = tables.byGroup[g];
        if (table === undefined) continue;
        // Copy the keys first: fn may write, clear, and so replace or change the table.
        for (const current of Array.from(table.map.keys())) {
          if (!tables.byGroup[g]?.map.has(current)) continue;
          ctx.key = fromMapKey(current);
          ctx.mapKey = current;
          ctx.group = g;
          ctx.keyGroup = this.#range.start + g;
          fn(ctx.key as K, state);
        }
      }
    } finally {
      if (!ctx.disposed) {
        ctx.key = key;
        ctx.mapKey = mapKey;
        ctx.group = group;
        ctx.keyGroup = keyGroup;
      }
    }
  }

  snapshot(): KeyedStateSnapshot {
    this.#checkOpen();
    if (this.#lazyError !== undefined) throw this.#lazyError;
    // Key groups restored lazily and not decoded yet are snapshotted as their restored blobs: the
    // synchronous part stays O(key groups) even right after a restore.
    const undecoded = Array.from(this.#lazy, ([group, blobs]) => ({
      keyGroup: this.#range.start + group,
      blobs,
    }));
    const states = Array.from(this.#states.values(), (registration) => registration.tables);
    return HeapSnapshot.capture(states, this.#range, this.#maxParallelism, this.#epochs, undecoded);
  }

  async restore(keyGroups: Iterable<KeyGroupStateHandle>, options: RestoreOptions = {}): Promise<void> {
    this.#checkOpen();
    const target = this.#restoreTarget();
    if (options.lazy === true) {
      const planned = planKeyGroups(keyGroups, target);
      for (const [keyGroup, blobs] of planned)
        for (const blob of blobs)
          checkKeyGroupBlob(blob.bytes, keyGroup, { verified: blob.verified === true });
      for (const [keyGroup, blobs] of planned) {
        this.#lazy.set(keyGroup - this.#range.start, blobs);
        this.#restored.add(keyGroup);
      }
      this.#lazyCount = this.#lazy.size;
      this.#scheduleBackgroundDecode();
      return;
    }
    const restored = await decodeKeyGroups(keyGroups, target, yieldToEventLoop);
    // Installing is synchronous: no record can see a half-restored backend.
    this.#checkOpen();
    this.#install(restored);
    for (const { group } of restored) this.#restored.add(this.#range.start + group);
  }

  dispose(): void {
    if (this.#ctx.disposed) return;
    this.#ctx.disposed = true;
    this.#lazy.clear();
    this.#lazyCount = 0;
    this.#ctx.reset();
    // Pending snapshots hold their tables directly and still complete.
    for (const { tables } of this.#states.values()) tables.byGroup.fill(undefined);
    this.#states.clear();
  }

  #restoreTarget(): RestoreTarget {
    return {
      keyGroupRange: this.#range,
      maxParallelism: this.#maxParallelism,
      epochs: this.#epochs,
      kindOf: (name) => this.#states.get(name)?.tables.kind,
      occupied: (keyGroup) => this.#occupied(keyGroup),
    };
  }

  #install(restored: readonly RestoredTable[]): void {
    for (const { name, kind, group, table } of restored) {
      const tables = this.#register(name, kind).tables;
      if (tables.hasEntries(group)) throw new Error(`internal: key group ${group} filled during restore`);
      tables.byGroup[group] = table;
    }
  }

  /** Decodes local group `group` if it was restored lazily and is not decoded yet. */
  #decodeLazy(group: number): void {
    if (this.#lazyError !== undefined) throw this.#lazyError;
    const blobs = this.#lazy.get(group);
    if (blobs === undefined) return;
    this.#lazy.delete(group);
    this.#lazyCount = this.#lazy.size;
    try {
      this.#install(decodeKeyGroup(this.#range.start + group, blobs, this.#restoreTarget(), this.#lazyKinds));
    } catch (error) {
      // Put the group back, so that every later access throws instead of seeing it empty.
      this.#lazyError = error;
      this.#lazy.set(group, blobs);
      this.#lazyCount = this.#lazy.size;
      throw error;
    }
  }

  #decodeAllLazy(): void {
    if (this.#lazyError !== undefined) throw this.#lazyError;
    for (const group of [...this.#lazy.keys()]) this.#decodeLazy(group);
  }

  /** Decodes lazily restored key groups one per turn of the event loop, between records. */
  #scheduleBackgroundDecode(): void {
    if (this.#backgroundScheduled || this.#lazyCount === 0) return;
    this.#backgroundScheduled = true;
    setImmediate(() => {
      this.#backgroundScheduled = false;
      if (this.#ctx.disposed || this.#lazyError !== undefined) return;
      const next = this.#lazy.keys().next();
      if (next.done) return;
      try {
        this.#decodeLazy(next.value);
      } catch {
        return; // kept in #lazyError: the next access that needs state throws it
      }
      this.#scheduleBackgroundDecode();
    });
  }

  #register(name: string, kind: StateKind): Registration {
    this.#checkOpen();
    let registration = this.#states.get(name);
    if (registration === undefined) {
      registration = {
        tables: new StateTables(name, kind, this.#groupCount, this.#epochs),
        handles: new Map(),
      };
      this.#states.set(name, registration);
    } else if (registration.tables.kind !== kind) {
      throw kindConflict(name, registration.tables.kind, kind);
    }
    return registration;
  }

  #occupied(keyGroup: number): boolean {
    if (this.#restored.has(keyGroup)) return true;
    const group = keyGroup - this.#range.start;
    for (const { tables } of this.#states.values()) if (tables.hasEntries(group)) return true;
    return false;
  }

  #checkOpen(): void {
    if (this.#ctx.disposed) this.#ctx.fail();
  }
}
