/** Builds the strategy a validated {@link RestartConfig} describes: the one place that knows all four. */
import type { RestartConfig } from './config.ts';
import { ExponentialDelayRestartStrategy } from './exponential-delay.ts';
import { FailureRateRestartStrategy } from './failure-rate.ts';
import { FixedDelayRestartStrategy } from './fixed-delay.ts';
import { NoRestartStrategy } from './no-restart.ts';
import type { RestartStrategy } from './strategy.ts';

/**
 * A fresh strategy for one job (strategies keep failure history, so never share one).
 * @param random uniform in [0, 1) for exponential-delay's jitter; default `Math.random`.
 */
export function createRestartStrategy(
  config: RestartConfig,
  random: () => number = Math.random,
): RestartStrategy {
  switch (config.strategy) {
    case 'none':
      return new NoRestartStrategy();
    case 'fixed-delay':
      return new FixedDelayRestartStrategy({ attempts: config.attempts, delayMs: config.delayMs });
    case 'failure-rate':
      return new FailureRateRestartStrategy({
        maxFailuresPerInterval: config.maxFailuresPerInterval,
        failureRateIntervalMs: config.failureRateIntervalMs,
        delayMs: config.delayMs,
      });
    case 'exponential-delay': {
      const { strategy: _, ...params } = config;
      return new ExponentialDelayRestartStrategy(params, random);
    }
  }
}
