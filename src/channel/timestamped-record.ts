/**
 * Event-time timestamps on records as they cross a channel. Inside a subtask a record's timestamp
 * travels beside it, in the chain's {@link RecordTime} slot; a channel writer wraps a record that
 * has one in a {@link TimestampedRecord}, which msgpackr encodes as an extension (type
 * {@link TIMESTAMPED_EXTENSION}: `[value, timestamp]`), and the consuming chain unwraps it. Since
 * the extension is registered for every msgpackr codec of the thread, frames stay self-describing:
 * in-flight records captured by unaligned checkpoints and replayed after a restore keep their
 * timestamps too. Records without a timestamp are encoded as before (the flat-record fast path).
 *
 * Thread: any; the slot belongs to one subtask's thread.
 */
import { addExtension } from 'msgpackr';

/** msgpack extension type of a timestamped record ('W'; msgpackr's own types are elsewhere). */
export const TIMESTAMPED_EXTENSION = 0x57;

/** A record and its event-time timestamp (ms), as written into a channel. */
export class TimestampedRecord {
  constructor(
    readonly value: unknown,
    readonly timestamp: number,
  ) {}
}

/**
 * The timestamp of the record a subtask's chain is processing, `undefined` when it has none: set by
 * the chain's head for records read from channels, by timestamp assigners for the records they
 * emit, and by window operators and timers for their results. Channel writers read it.
 */
export interface RecordTime {
  current: number | undefined;
}

addExtension({
  Class: TimestampedRecord,
  type: TIMESTAMPED_EXTENSION,
  write: (record: TimestampedRecord) => [record.value, record.timestamp],
  read: (data: [unknown, number]) => new TimestampedRecord(data[0], data[1]),
});
