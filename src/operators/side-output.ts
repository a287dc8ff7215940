/**
 * Side outputs (Flink's OutputTag): an operator emits a record to a side output by collecting a
 * {@link SideOutputRecord}; the runtime routes each consumer only the stream it reads (the main
 * one, or one side output, unwrapped), by the selector of {@link sideOutputSelector}, applied where
 * the producer hands records to a chained successor or to an outgoing edge.
 */
import { InvalidOptionError } from '../errors.ts';

/** Names a side output of type `T`; equal ids are one side output. */
export class OutputTag<T> {
  /** The tag's id (unique among an operator's side outputs). */
  readonly id: string;
  /** @internal Carries `T` for type inference only. */
  declare readonly __type?: T;

  constructor(id: string) {
    if (typeof id !== 'string' || id.length === 0)
      throw new InvalidOptionError('OutputTag id', 'a non-empty string', id);
    this.id = id;
  }
}

/** A record bound for side output `tag`, as operators emit it. */
export class SideOutputRecord {
  constructor(
    readonly tag: string,
    readonly value: unknown,
  ) {}
}

/** Returned by a selector for a record that the consumer does not read. */
export const SKIP_RECORD: unique symbol = Symbol('skip record');

/**
 * What a consumer reading `consumerTag` (a side output's id, or `undefined` for the main stream)
 * gets of each record of a producer; `undefined` when every record passes as it is (the producer
 * has no side outputs).
 */
export function sideOutputSelector(
  producerHasSideOutputs: boolean,
  consumerTag: string | undefined,
): ((record: unknown) => unknown) | undefined {
  if (!producerHasSideOutputs) return undefined;
  if (consumerTag === undefined)
    return (record) => (record instanceof SideOutputRecord ? SKIP_RECORD : record);
  return (record) =>
    record instanceof SideOutputRecord && record.tag === consumerTag ? record.value : SKIP_RECORD;
}
