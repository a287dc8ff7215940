/**
 * Runs the benchmark's trials in interleaved rounds (every trial once per round, in the same order)
 * so that a burst of load from elsewhere on a shared machine spreads over all trials instead of
 * falling on one. Each run is timed end to end in wall time, and the CPU time of the whole process
 * (every thread) is taken too: on a machine shared with other work the wall time varies with the
 * load, the CPU time much less.
 */

/** One timed unit of work, repeated once per round. */
export interface Trial {
  /** Unique name, also the key of its samples. */
  readonly name: string;
  /** Does the work and checks its result; must throw on a wrong result. */
  run(): Promise<void>;
}

/** One timed run. */
export interface Sample {
  /** Wall time, ms. */
  readonly ms: number;
  /** CPU time (user + system) of all the process's threads, ms. */
  readonly cpuMs: number;
}

/** Called after every timed run, for progress output. */
export type SampleListener = (trial: Trial, round: number, sample: Sample) => void;

/**
 * Collects the garbage earlier trials left on the main thread's heap (when Node runs with
 * `--expose-gc`, as `npm run bench` does), so that its collection does not fall into the next
 * trial's timing: the main-thread variants leave hundreds of MB behind, whose concurrent marking
 * and sweeping would otherwise compete with whichever trial comes next.
 */
function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs every trial `rounds` times and returns each trial's samples, in round order. */
export async function runRounds(
  trials: readonly Trial[],
  rounds: number,
  onSample: SampleListener,
): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>(trials.map((t) => [t.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const trial of trials) {
      settle();
      const cpu = process.cpuUsage();
      const started = performance.now();
      await trial.run();
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const sample = { ms, cpuMs: (used.user + used.system) / 1000 };
      samples.get(trial.name)!.push(sample);
      onSample(trial, round, sample);
    }
  }
  return samples;
}
