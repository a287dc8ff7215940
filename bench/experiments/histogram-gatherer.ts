/**
 * The main thread's end of the histogram channel (see histogram-protocol.ts): opens a measurement
 * window in every sink subtask (and waits until each has reset its histograms), then gathers their
 * encoded histograms and merges them. A subtask that does not answer within the timeout fails the
 * measurement naming the silent subtasks: a window without some subtask's latencies is not reported.
 *
 * Thread: the main thread.
 */
import { BroadcastChannel } from 'node:worker_threads';
import type { HistogramReply, HistogramRequest } from './histogram-protocol.ts';
import { type Latencies, LatencyRecorder } from './latency-recorder.ts';

/** The merged histograms of every sink subtask over one window. */
export type GatheredHistograms = Latencies;

export class HistogramGatherer {
  readonly #channel: BroadcastChannel;
  readonly #subtasks: number;
  #window = 0;
  #waiting: ((reply: HistogramReply) => void) | undefined;

  /** Talks to `subtasks` sink subtasks on the channel `name`. */
  constructor(name: string, subtasks: number) {
    this.#subtasks = subtasks;
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (event) => this.#waiting?.((event as MessageEvent).data as HistogramReply);
  }

  /** Starts a window: every subtask's histograms are reset once this resolves. */
  async startWindow(timeoutMs: number): Promise<void> {
    this.#window++;
    await this.#ask({ type: 'reset', window: this.#window }, 'reset-done', timeoutMs);
  }

  /** Ends the window: the merged histograms of every subtask. */
  async gather(timeoutMs: number): Promise<GatheredHistograms> {
    const replies = await this.#ask({ type: 'report', window: this.#window }, 'histograms', timeoutMs);
    const parts = replies.filter((r) => r.type === 'histograms');
    return LatencyRecorder.merge(parts.map((p) => p.latencies));
  }

  /** Closes the channel. */
  close(): void {
    this.#channel.close();
  }

  /**
   * Sends `request` until every subtask answered it: a subtask opens the channel with its first
   * record, so a request sent before that is repeated every 100 ms.
   */
  #ask(
    request: HistogramRequest,
    expect: HistogramReply['type'],
    timeoutMs: number,
  ): Promise<HistogramReply[]> {
    const replies = new Map<number, HistogramReply>();
    return new Promise((resolve, reject) => {
      const finish = (error?: Error): void => {
        clearInterval(resend);
        clearTimeout(timer);
        this.#waiting = undefined;
        if (error) reject(error);
        else resolve([...replies.values()]);
      };
      this.#waiting = (reply) => {
        if (reply.type !== expect || reply.window !== request.window) return;
        replies.set(reply.subtask, reply);
        if (replies.size === this.#subtasks) finish();
      };
      const resend = setInterval(() => this.#channel.postMessage(request), 100);
      const timer = setTimeout(() => {
        const silent = [...Array(this.#subtasks).keys()].filter((s) => !replies.has(s));
        finish(
          new Error(
            `sink subtask(s) ${silent.join(', ')} did not answer '${request.type}' within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.#channel.postMessage(request);
    });
  }
}
