/**
 * The heap backend's registry of state kinds: kind name to {@link HeapKind}. The only place where
 * a descriptor's kind is correlated with its strategy.
 */
import type { AnyStateDescriptor } from '../any-state-descriptor.ts';
import type { StateKind } from '../state-descriptor.ts';
import { heapAggregatingKind } from './heap-aggregating-state.ts';
import { heapListKind } from './heap-list-state.ts';
import { heapMapKind } from './heap-map-state.ts';
import { heapReducingKind } from './heap-reducing-state.ts';
import type { HeapKind } from './heap-state-kind.ts';
import { heapValueKind } from './heap-value-state.ts';

const KINDS = {
  value: heapValueKind,
  list: heapListKind,
  map: heapMapKind,
  reducing: heapReducingKind,
  aggregating: heapAggregatingKind,
} as const;

/** The strategy of `kind`, erased to the common shape the backend works with. */
export function heapKind(kind: StateKind): HeapKind<unknown, AnyStateDescriptor> {
  // One cast: TypeScript cannot correlate the union of kinds with the union of descriptors.
  return KINDS[kind] as unknown as HeapKind<unknown, AnyStateDescriptor>;
}
