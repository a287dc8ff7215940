/**
 * The closed union of the state descriptors the backends understand, and the check that a value is
 * one of them. Apart from `state-descriptor.ts` so that the per-kind modules, which build on the
 * common descriptor, are not imported by it.
 */
import { InvalidOptionError } from '../errors.ts';
import type { AggregatingStateDescriptor } from './aggregating-state.ts';
import type { ListStateDescriptor } from './list-state.ts';
import type { MapStateDescriptor } from './map-state.ts';
import type { ReducingStateDescriptor } from './reducing-state.ts';
import { STATE_KINDS, type StateDescriptor } from './state-descriptor.ts';
import type { ValueStateDescriptor } from './value-state.ts';

/** The closed union of descriptors the backends understand. */
export type AnyStateDescriptor =
  | ValueStateDescriptor<unknown, unknown>
  | ListStateDescriptor<unknown>
  | MapStateDescriptor<unknown, unknown>
  | ReducingStateDescriptor<unknown>
  | AggregatingStateDescriptor<unknown, unknown, unknown>;

/**
 * Checks that `descriptor` is one the backends understand (made by a descriptor factory).
 * @throws InvalidOptionError otherwise.
 */
export function checkStateDescriptor(descriptor: StateDescriptor<unknown>): AnyStateDescriptor {
  const d = descriptor as AnyStateDescriptor | null | undefined;
  if (typeof d !== 'object' || d === null || !STATE_KINDS.includes(d.kind) || typeof d.name !== 'string')
    throw new InvalidOptionError(
      'state descriptor',
      'a descriptor made by valueState, listState, mapState, reducingState or aggregatingState',
      descriptor,
    );
  return d;
}
