/** Number formatting shared by the benchmark reports. */

/** A rate such as `8.12 M` or `812 k`, three significant digits. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'n/a';
  if (perSecond >= 1e9) return `${(perSecond / 1e9).toPrecision(3)} G`;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toPrecision(3)} M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toPrecision(3)} k`;
  return perSecond.toPrecision(3);
}

/** Megabytes (10^6 bytes) per second from bytes per second, e.g. `212`. */
export function formatMBps(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond)) return 'n/a';
  const mb = bytesPerSecond / 1e6;
  return mb >= 100 ? mb.toFixed(0) : mb.toPrecision(3);
}

/** A duration given in milliseconds, shown in µs below 1 ms and in ms above. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

/** A ratio such as `12.3×`. */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toPrecision(3)}×` : 'n/a';
}
