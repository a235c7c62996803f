import { readFileSync } from 'node:fs';

export interface ThreadTimes {
  /** Cumulative time this thread ran, in ms (it may trail by up to a scheduler tick). */
  onCpuMs: number;
  /** Cumulative time it was runnable but waiting for the kernel to give it a CPU, in ms. */
  waitedMs: number;
}

/**
 * Where this thread's time went, from Linux's /proc/thread-self/schedstat: the view that tells a
 * loaded machine (waiting for a CPU) from a slow program (on a CPU). Undefined where it cannot be read.
 */
export function threadTimes(): ThreadTimes | undefined {
  try {
    const [onCpu, waited] = readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isFinite(onCpu) && Number.isFinite(waited)
      ? { onCpuMs: (onCpu as number) / 1e6, waitedMs: (waited as number) / 1e6 }
      : undefined;
  } catch {
    return undefined;
  }
}
