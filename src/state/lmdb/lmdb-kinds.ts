/**
 * The handles of the embedded backend, per state kind: the heap backend's handle classes over a
 * {@link RowAccess}, so that both backends give every kind exactly the same semantics.
 */

import type { AnyStateDescriptor } from '../any-state-descriptor.ts';
import { HeapAggregatingState } from '../heap/heap-aggregating-state.ts';
import { HeapListState } from '../heap/heap-list-state.ts';
import { HeapMapState } from '../heap/heap-map-state.ts';
import { HeapReducingState } from '../heap/heap-reducing-state.ts';
import { HeapValueState } from '../heap/heap-value-state.ts';
import type { CellStore } from '../heap/keyed-access.ts';
import type { RowAccess } from './row-access.ts';

/** The handle of `descriptor` over `access`. */
export function embeddedHandle(descriptor: AnyStateDescriptor, access: RowAccess): unknown {
  // One cast: the handles are generic in their value type; the row access stores unknown values.
  const cells = access as unknown as CellStore<never>;
  switch (descriptor.kind) {
    case 'value':
      return new HeapValueState(access, descriptor.defaultValue);
    case 'list':
      return new HeapListState(cells);
    case 'map':
      return new HeapMapState(cells);
    case 'reducing':
      return new HeapReducingState(cells, descriptor.reduce);
    case 'aggregating':
      return new HeapAggregatingState(cells, descriptor.aggregate);
  }
}
