/**
 * Main thread: a peer's producer and consumer threads, started once and then driven one phase at a
 * time (a phase is done when the consumer has reported its last record), until `stop`.
 */
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { Mailbox, startWorker, stopWorker } from '../support/worker.ts';
import type { PeerDefinition, PeerSettings } from './peer.ts';
import type { Phase } from './plan.ts';
import type { ConsumerReport, PairData, ProducerCommand, ProducerReport } from './protocol.ts';

const producerModule = new URL('./producer.ts', import.meta.url);
const consumerModule = new URL('./consumer.ts', import.meta.url);

/** A phase's reports from both threads. */
export interface PhaseOutcome {
  readonly phase: Phase;
  readonly produced: Extract<ProducerReport, { type: 'produced' }>;
  readonly consumed: Extract<ConsumerReport, { type: 'consumed' }>;
}

/** Longest a start-up or a phase may take before the run is declared stuck. */
const STEP_TIMEOUT_MS = 120_000;
/** How long threads get to exit by themselves after `stop`. */
const STOP_GRACE_MS = 5_000;

export class Pair {
  readonly peer: PeerDefinition;
  readonly #plan: readonly Phase[];
  readonly #producer: Worker;
  readonly #producerBox: Mailbox<ProducerReport>;
  readonly #consumer: Worker | undefined;
  readonly #consumerBox: Mailbox<ConsumerReport>;
  /** The main thread's end of a pooled consumer's control channel. */
  readonly #controlPort: MessagePort | undefined;

  /** Starts both threads; await {@link ready} before running phases. */
  constructor(
    peer: PeerDefinition,
    plan: readonly Phase[],
    settings: PeerSettings,
    poolRecords: PairData['poolRecords'],
    variants: PairData['variants'],
  ) {
    this.peer = peer;
    this.#plan = plan;
    const link = peer.link(settings);
    const base = { peer: peer.name, plan, poolRecords, variants, settings };
    let producerData: PairData = { ...base, link: link.producer };
    const producerTransfer = [...link.transfer.producer];
    if (peer.consumerInPool) {
      const { port1, port2 } = new MessageChannel();
      this.#controlPort = port1;
      this.#consumerBox = new Mailbox(port1, `${peer.name} consumer`);
      producerData = { ...producerData, consumerControl: port2 };
      producerTransfer.push(port2);
    } else {
      const consumerData: PairData = { ...base, link: link.consumer };
      this.#consumer = startWorker(consumerModule, { ...consumerData }, link.transfer.consumer);
      this.#consumerBox = new Mailbox(this.#consumer, `${peer.name} consumer`);
    }
    this.#producer = startWorker(producerModule, { ...producerData }, producerTransfer);
    this.#producerBox = new Mailbox(this.#producer, `${peer.name} producer`);
  }

  /** Resolves once both threads have set up their end of the link. */
  async ready(): Promise<void> {
    await withTimeout(
      Promise.all([this.#producerBox.next('ready'), this.#consumerBox.next('ready')]),
      `${this.peer.name} start-up`,
    );
  }

  /** Runs phase `index` of the plan and returns both threads' reports. */
  async run(index: number): Promise<PhaseOutcome> {
    this.#command({ type: 'go', phase: index });
    const [produced, consumed] = await withTimeout(
      Promise.all([this.#producerBox.next('produced'), this.#consumerBox.next('consumed')]),
      `${this.peer.name} phase ${index}`,
    );
    return { phase: this.#plan[index]!, produced, consumed };
  }

  /** Ends the stream and waits for both threads to exit (terminating them after a grace period). */
  async stop(): Promise<void> {
    this.#command({ type: 'stop' });
    await Promise.all([
      stopWorker(this.#producer, STOP_GRACE_MS),
      this.#consumer && stopWorker(this.#consumer, STOP_GRACE_MS),
    ]);
    this.#controlPort?.close();
  }

  #command(command: ProducerCommand): void {
    this.#producer.postMessage(command);
  }
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
