/** The targets for the ring, checked against a run's throughput results. */
import { formatRate, formatRatio } from '../support/format.ts';
import { TARGETS } from './params.ts';
import type { PeerName } from './peer.ts';
import { RECORD_VARIANTS } from './records.ts';
import type { ThroughputResult } from './results.ts';

/** A target and whether this run met it. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/** The targets whose peers took part in the run (none without the weir ring). */
export function checkTargets(results: readonly ThroughputResult[]): TargetCheck[] {
  const rate = (peer: PeerName) =>
    results.find((r) => r.peer === peer && r.variant === 'small')?.recordsPerSecond;
  const ring = rate('weir-ring');
  if (ring === undefined) return [];
  const checks: TargetCheck[] = [
    {
      target: `weir ring ≥ ${formatRate(TARGETS.ringRecordsPerSecond)} small records/s`,
      measured: `${formatRate(ring)} records/s`,
      met: ring >= TARGETS.ringRecordsPerSecond,
    },
  ];
  const postEach = rate('post-each');
  if (postEach !== undefined) {
    checks.push({
      target: `weir ring ≥ ${TARGETS.overPostEach}× postMessage one record per message`,
      measured: formatRatio(ring / postEach),
      met: ring >= TARGETS.overPostEach * postEach,
    });
  }
  // At every record size measured: the ring no slower than msgpackr-packed arrays transferred.
  for (const variant of RECORD_VARIANTS) {
    const of = (peer: PeerName) =>
      results.find((r) => r.peer === peer && r.variant === variant)?.recordsPerSecond;
    const mine = of('weir-ring');
    const msgpackr = of('msgpackr-transfer');
    if (mine === undefined || msgpackr === undefined) continue;
    checks.push({
      target: `weir ring no slower than msgpackr arrays transferred, ${variant === 'kib' ? '1KiB' : variant} records`,
      measured: formatRatio(mine / msgpackr),
      met: mine >= TARGETS.overMsgpackrTransfer * msgpackr,
    });
  }
  return checks;
}
