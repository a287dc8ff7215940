/**
 * The environment's record of declared operators. Nodes get ids in declaration order, which is the
 * same in every thread that evaluates the job module; that is what lets a worker find its operator.
 */
import { InvalidJobGraphError } from '../graph/invalid-job-graph-error.ts';
import { StreamNode, type StreamNodeInit } from '../graph/stream-node.ts';

/** A handle on collected results: filled on the main thread once the job has run. */
export interface CollectHandle<T> {
  /** The collect sink's uid, also the key in `JobResult.collected`. */
  readonly uid: string;
  /** Records received so far (all of them once `execute` resolved); order across subtasks is arbitrary. */
  readonly records: readonly T[];
}

/** The environment's declared nodes and collect sinks. */
export class GraphBuilder {
  readonly nodes: StreamNode[] = [];
  /** Records received by collect sinks, by the sink node. */
  readonly collected = new Map<StreamNode, unknown[]>();
  /** For keyBy("field") directly on an array source: the elements, to check the field exists. */
  readonly #knownElements = new Map<StreamNode, readonly unknown[]>();

  addNode(init: StreamNodeInit): StreamNode {
    for (const input of init.inputs) {
      if (input.node.role === 'sink') {
        throw new InvalidJobGraphError(
          `sink "${input.node.name}" cannot feed operator "${init.name}": a sink ends a pipeline`,
        );
      }
    }
    const node = new StreamNode({ id: this.nodes.length, ...init });
    this.nodes.push(node);
    return node;
  }

  /** Remembers a source's elements so that `keyBy(field)` can be checked before running. */
  rememberElements(node: StreamNode, elements: readonly unknown[]): void {
    this.#knownElements.set(node, elements);
  }

  /** Rejects `keyBy("field")` when the stream comes straight from elements that lack the field. */
  checkKeyField(node: StreamNode | undefined, key: unknown): void {
    if (typeof key !== 'string' || !node) return;
    const elements = this.#knownElements.get(node);
    if (!elements) return;
    const bad = elements.find(
      (e) => e == null || typeof e !== 'object' || (e as Record<string, unknown>)[key] == null,
    );
    if (bad !== undefined || elements.some((e) => e == null)) {
      throw new InvalidJobGraphError(
        `keyBy field "${key}" is missing from elements of source "${node.name}" (e.g. ${JSON.stringify(bad) ?? String(bad)})`,
      );
    }
  }

  /** Registers a collect sink and returns the handle its records arrive in. */
  registerCollect<T>(node: StreamNode): CollectHandle<T> {
    const records: T[] = [];
    this.collected.set(node, records);
    return {
      get uid() {
        return node.resolvedUid;
      },
      records,
    };
  }
}
