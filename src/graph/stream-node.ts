/**
 * The logical graph a job module builds: one {@link StreamNode} per operator, in creation order,
 * with its inputs and how each input is partitioned. The main thread and every worker build the
 * identical graph from the same module, so a node's id and uid name the same operator everywhere.
 */
import type { Key } from '../operators/functions.ts';
import type { OperatorFactory, SourceFactory } from '../operators/operator.ts';

/** How records of an input are distributed over the consumer's subtasks. */
export type PartitionerSpec =
  | { readonly kind: 'forward' }
  | { readonly kind: 'rebalance' }
  | { readonly kind: 'shuffle' }
  | { readonly kind: 'broadcast' }
  | {
      readonly kind: 'hash';
      readonly key: (record: unknown) => Key;
      readonly description: string;
      /** Set for the input of a rolling aggregation: batch mode pre-aggregates before the exchange. */
      readonly combine?: CombineSpec;
    };

/** How a rolling aggregation folds records, so that producers can pre-aggregate (batch mode). */
export interface CombineSpec {
  readonly reduce: (accumulated: unknown, next: unknown) => unknown;
  readonly first: (record: unknown) => unknown;
  /**
   * The key of a partial, when partials are not records of the input's type (count's `{ key, count }`);
   * the hash edge routes partials by it. Omitted: partials have the record's shape and key.
   */
  readonly partialKey?: (partial: unknown) => Key;
  /** The aggregation's name and uid, for errors raised while combining. */
  readonly operatorName: string;
  readonly operatorUid: string;
}

/** An input of a node: the upstream node and its partitioner (`null`: the default, decided at build). */
export interface StreamInput {
  readonly node: StreamNode;
  readonly partitioner: PartitionerSpec | null;
}

/** What a node does. */
export type NodeRole = 'source' | 'operator' | 'sink';

/** What declares a node (its id is given by the graph builder). */
export interface StreamNodeInit {
  readonly kind: string;
  readonly role: NodeRole;
  readonly name: string;
  readonly inputs: readonly StreamInput[];
  readonly operator?: OperatorFactory;
  readonly source?: SourceFactory;
  readonly keyed?: boolean;
  readonly maxOwnParallelism?: number;
  /** See {@link StreamNode.unionOperatorState}. */
  readonly unionOperatorState?: boolean;
  /** See {@link StreamNode.bounded}; default true. */
  readonly bounded?: boolean;
  /** See {@link StreamNode.knownRecords}. */
  readonly knownRecords?: number;
  /** See {@link StreamNode.sideOutputs}; default false. */
  readonly sideOutputs?: boolean;
  /** See {@link StreamNode.sideOutputTag}. */
  readonly sideOutputTag?: string;
}

/** One operator of the logical graph. */
export class StreamNode {
  /** Position in creation order; stable across threads. */
  readonly id: number;
  /** The operator's kind, e.g. `map` or `keyed-reduce` (used for derived uids and names). */
  readonly kind: string;
  readonly role: NodeRole;
  readonly inputs: readonly StreamInput[];
  /** Creates the runtime operator of one subtask (absent for sources). */
  readonly operator: OperatorFactory | undefined;
  /** Creates the reader of one source subtask (sources only). */
  readonly source: SourceFactory | undefined;
  /** Whether the operator reads keyed state, and how its input is keyed. */
  readonly keyed: boolean;
  /** The largest parallelism allowed (e.g. 1 for a non-parallel source). */
  readonly maxOwnParallelism: number;
  /**
   * On restore, every subtask gets the operator state of all old subtasks (Flink's union list
   * state) instead of a round-robin share: sources whose subtasks share one split queue need it.
   */
  readonly unionOperatorState: boolean;
  /** False for a source that never ends (a sequence without an end): batch mode refuses it. */
  readonly bounded: boolean;
  /**
   * How many records a source produces, when it is known at declaration (a collection's size);
   * placement uses it to keep a small serial source out of a thread of its own.
   */
  readonly knownRecords: number | undefined;
  /**
   * The operator may emit side-output records (windows' late data, process functions' `output`):
   * each consumer gets only the stream it reads, the main one or one side output.
   */
  readonly sideOutputs: boolean;
  /** Set on the node that reads a side output (`getSideOutput`): the tag's id. */
  readonly sideOutputTag: string | undefined;
  name: string;
  uid: string | undefined;
  parallelism: number | undefined;
  /** False when the user asked not to chain this operator to its predecessor. */
  chainable = true;

  constructor(init: StreamNodeInit & { readonly id: number }) {
    this.id = init.id;
    this.kind = init.kind;
    this.role = init.role;
    this.name = init.name;
    this.inputs = init.inputs;
    this.operator = init.operator;
    this.source = init.source;
    this.keyed = init.keyed ?? false;
    this.maxOwnParallelism = init.maxOwnParallelism ?? Number.POSITIVE_INFINITY;
    this.unionOperatorState = init.unionOperatorState ?? false;
    this.bounded = init.bounded ?? true;
    this.knownRecords = init.knownRecords;
    this.sideOutputs = init.sideOutputs ?? false;
    this.sideOutputTag = init.sideOutputTag;
  }

  /** The uid, given or derived from kind and position (deterministic in every thread). */
  get resolvedUid(): string {
    return this.uid ?? `${this.kind}-${this.id}`;
  }
}
