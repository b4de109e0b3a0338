/**
 * Resource usage of a sandbox process, read from Linux's /proc while the process is still alive (the runner
 * reads it just before it ends the process). Elsewhere, or when /proc cannot be read, the figures are null.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface ProcessUsage {
  /** Peak resident memory (VmHWM) since the run started, MB. */
  peakRssMb: number | null;
  /** CPU time (user + system) since the run started, ms. */
  cpuMs: number | null;
}

/** /proc reports times in USER_HZ, which is 100 on every Linux build. */
const TICKS_PER_SECOND = 100;

/** CPU ticks used so far, or null. */
export function cpuTicks(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    return Number.isFinite(user) && Number.isFinite(system) ? user + system : null;
  } catch {
    return null;
  }
}

/** Peak resident memory of the process in MB, or null. */
export function peakRssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** Resets the peak-memory mark (a warm process's warm-up must not count); best effort. */
export function resetPeakRss(pid: number | undefined): void {
  if (!pid) return;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    /* not Linux, or not allowed: the peak then includes the warm-up */
  }
}

/** Starts measuring `pid`; the returned function reads the usage since then. */
export function measure(pid: number | undefined): () => ProcessUsage {
  resetPeakRss(pid);
  const startTicks = cpuTicks(pid);
  return () => {
    const endTicks = cpuTicks(pid);
    const cpuMs = startTicks === null || endTicks === null ? null : ((endTicks - startTicks) * 1000) / TICKS_PER_SECOND;
    return { peakRssMb: peakRssMb(pid), cpuMs };
  };
}
