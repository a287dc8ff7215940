/**
 * The plain-data description of a channel that crosses `postMessage`: a shared-memory ring or a
 * blocking partition (a file). Each end builds its live object from it inside its own thread.
 */
import type { BlockingPartitionDescriptor } from './blocking-partition.ts';
import type { RingDescriptor } from './ring-buffer.ts';

/** Plain data that describes one channel; it crosses `postMessage`. */
export type ChannelDescriptor = RingDescriptor | BlockingPartitionDescriptor;

/** Whether `descriptor` is a blocking partition (a file) rather than a ring. */
export function isBlockingPartition(
  descriptor: ChannelDescriptor,
): descriptor is BlockingPartitionDescriptor {
  return 'path' in descriptor;
}
