/** Latency and throughput bookkeeping for the load benchmark. */
import { readFileSync } from 'node:fs';
import { childrenOf } from './server-process.js';

export class OpStats {
  readonly latencies: number[] = [];
  readonly errors = new Map<string, number>();
  ok = 0;

  record(ms: number, errorCode: string | null): void {
    this.latencies.push(ms);
    if (errorCode === null) this.ok += 1;
    else this.errors.set(errorCode, (this.errors.get(errorCode) ?? 0) + 1);
  }

  get count(): number {
    return this.latencies.length;
  }

  get errorCount(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }
}

export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
};

export type Summary = {
  count: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
};

export const summarise = (latencies: readonly number[], errors: number, seconds: number): Summary => {
  const sorted = Float64Array.from(latencies).sort();
  const arr = Array.from(sorted);
  return {
    count: arr.length,
    perSecond: arr.length / seconds,
    p50: percentile(arr, 50),
    p95: percentile(arr, 95),
    p99: percentile(arr, 99),
    max: arr[arr.length - 1] ?? Number.NaN,
    errors,
  };
};

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc; 0 when it is gone. */
export const cpuSecondsOf = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime (fields 14 and 15 of stat(5), counted from state = field 3)
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
};

/** CPU seconds of a postmaster and all its current children (backends, walwriter, checkpointer …). */
export const clusterCpuSeconds = (postmaster: number): Map<number, number> => {
  const all = new Map<number, number>([[postmaster, cpuSecondsOf(postmaster)]]);
  for (const child of childrenOf(postmaster)) all.set(child, cpuSecondsOf(child));
  return all;
};

export const fmtMs = (ms: number): string =>
  Number.isNaN(ms) ? '-' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
