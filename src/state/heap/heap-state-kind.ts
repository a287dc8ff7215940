/**
 * What the heap backend needs to know about each state kind: how to build a handle over the kind's
 * tables, and how its stored values map to and from the plain form of the key-group snapshot format
 * (see `key-group-codec.ts`). One implementation per kind, next to its handle class.
 */
import type { AnyStateDescriptor } from '../any-state-descriptor.ts';
import type { KeyContext } from './key-context.ts';
import type { StateTables } from './state-table.ts';

/** The heap backend's strategy for one state kind; `S` is the stored form, `D` the descriptor. */
export interface HeapKind<S, D extends AnyStateDescriptor> {
  /** A handle over `tables` for `descriptor`, following `ctx`'s current key. */
  create(ctx: KeyContext, tables: StateTables<S>, descriptor: D): unknown;
  /** The plain (msgpack) form of a stored value, for snapshots. */
  toPlain(stored: S): unknown;
  /**
   * The stored form of a plain value read from a snapshot, created for the table of `epoch`;
   * `undefined` if the value holds nothing (an empty list).
   * @throws Error describing the problem if `plain` does not have the kind's shape.
   */
  fromPlain(plain: unknown, epoch: number): S | undefined;
}
