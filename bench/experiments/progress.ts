/**
 * The terminal display while an experiment runs: one status line (step i of n, the configuration,
 * the share of its window done, the elapsed time and an estimate of the time left), rewritten in
 * place on a terminal and printed once per trial otherwise (CI logs), and one result line per
 * trial above it.
 */
import type { DisplayTarget } from '../../src/cli/progress-display.ts';
import { formatDuration } from '../support/format.ts';

export class ExperimentProgress {
  readonly #out: DisplayTarget;
  readonly #total: number;
  readonly #started = performance.now();
  #step = 0;
  #label = '';
  #statusShown = false;

  /** A display for `total` trials (all repeats). */
  constructor(out: DisplayTarget, total: number) {
    this.#out = out;
    this.#total = total;
  }

  /** A trial starts. */
  begin(label: string): void {
    this.#step++;
    this.#label = label;
    this.#status(0);
  }

  /** The running trial's window is `done` (0..1) through. */
  tick(done: number): void {
    if (this.#out.isTTY) this.#status(done);
  }

  /** The running trial ended with `summary`. */
  end(summary: string): void {
    this.message(`  [${this.#step}/${this.#total}] ${this.#label}: ${summary}`);
  }

  /** A permanent line above the status line. */
  message(text: string): void {
    if (this.#statusShown) this.#out.write('\r\x1b[2K');
    this.#statusShown = false;
    this.#out.write(`${text}\n`);
  }

  #status(done: number): void {
    const elapsed = performance.now() - this.#started;
    const finished = this.#step - 1 + done;
    const left = finished > 0 ? (elapsed / finished) * (this.#total - finished) : Number.NaN;
    const bar = '#'.repeat(Math.round(done * 10)).padEnd(10, '.');
    const text =
      `[${this.#step}/${this.#total}] ${bar} ${this.#label}  elapsed ${formatDuration(elapsed)}` +
      (Number.isFinite(left) ? `, ~${formatDuration(left)} left` : '');
    if (this.#out.isTTY) {
      this.#out.write(`\r\x1b[2K${text}`);
      this.#statusShown = true;
    } else if (done === 0) {
      this.#out.write(`${text}\n`);
    }
  }
}
