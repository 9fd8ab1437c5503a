import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Why did the horse die? RQ answers "waitpid returned 9" and nothing more (rq/rq#1966,
// #2155): most such deaths are the kernel's OOM killer. While a job runs the worker samples
// its horse's memory from /proc (one small read a second) and knows the memory limit of the
// cgroup the horse runs in, so a death can be explained: the OOM killer (the cgroup's
// oom_kill counter moved), a SIGKILL from outside, or a crash with an exit code.
// Everything here reads Linux files that may be missing or unreadable (another OS, a
// container without cgroup files): each reader returns undefined then, never throws.

export interface HorseVitals {
  /** Highest resident set size seen while the job ran, in bytes. */
  peakRssBytes: number | undefined;
  /** The memory limit of the horse's cgroup (the lowest along its ancestors), in bytes. */
  limitBytes: number | undefined;
  /** True when the cgroup's oom_kill counter moved while the job ran. */
  oomKilled: boolean | undefined;
}

const KIB = 1024;
// cgroup v1 writes "no limit" as the largest page-aligned 64-bit value; v2 writes "max".
const UNLIMITED_FROM = 2 ** 60;

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function statusField(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * KIB : undefined;
}

/** The process's resident set now and its high-water mark (VmHWM), from /proc/<pid>/status. */
export function readProcessMemory(pid: number): { rssBytes: number; peakBytes: number } | undefined {
  const status = readText(`/proc/${pid}/status`);
  if (status === undefined) return undefined;
  const rssBytes = statusField(status, 'VmRSS');
  if (rssBytes === undefined) return undefined;
  return { rssBytes, peakBytes: statusField(status, 'VmHWM') ?? rssBytes };
}

/** The horse is reused across jobs: reset its high-water mark so each job's peak is its own. */
export function resetPeakMemory(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not permitted or not Linux: the peak then covers the horse's earlier jobs too.
  }
}

interface MemoryCgroup {
  limitBytes: number | undefined;
  /**
   * What the limiting cgroup holds now (v1 memory.usage_in_bytes, v2 memory.current): the
   * worker, the horse and their page cache together, the figure the OOM killer acts on.
   */
  usageBytes: () => number | undefined;
  oomKills: () => number | undefined;
}

function parseLimit(text: string | undefined): number | undefined {
  const value = text?.trim();
  if (!value || value === 'max') return undefined;
  const bytes = Number(value);
  return Number.isFinite(bytes) && bytes < UNLIMITED_FROM ? bytes : undefined;
}

function oomKillCount(file: string): number | undefined {
  const match = /^oom_kill (\d+)$/m.exec(readText(file) ?? '');
  return match ? Number(match[1]) : undefined;
}

/** The lowest limit from the cgroup up to the root (what the kernel enforces), and where. */
function effectiveLimit(
  root: string,
  cgroupPath: string,
  limitFile: string,
): { bytes: number; dir: string } | undefined {
  let lowest: { bytes: number; dir: string } | undefined;
  for (let dir = cgroupPath; ; dir = path.posix.dirname(dir)) {
    const limit = parseLimit(readText(path.join(root, dir, limitFile)));
    if (limit !== undefined && (lowest === undefined || limit < lowest.bytes))
      lowest = { bytes: limit, dir: path.join(root, dir) };
    if (dir === '/' || dir === '.') break;
  }
  return lowest;
}

function usageIn(file: string | undefined): number | undefined {
  if (file === undefined) return undefined;
  const bytes = Number(readText(file)?.trim());
  return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
}

/**
 * The memory cgroup of a process: cgroup v1's memory controller when it is mounted (its
 * line names "memory"), else the v2 unified hierarchy.
 */
export function memoryCgroupOf(pid: number, root = '/sys/fs/cgroup'): MemoryCgroup | undefined {
  const lines = (readText(`/proc/${pid}/cgroup`) ?? '').split('\n');
  const v1 = lines.map((line) => line.split(':')).find((parts) => parts[1]?.split(',').includes('memory'));
  if (v1?.[2] !== undefined) {
    const dir = path.join(root, 'memory', v1[2]);
    const limit = effectiveLimit(path.join(root, 'memory'), v1[2], 'memory.limit_in_bytes');
    const usageFile = limit && path.join(limit.dir, 'memory.usage_in_bytes');
    return {
      limitBytes: limit?.bytes,
      usageBytes: () => usageIn(usageFile),
      oomKills: () => oomKillCount(path.join(dir, 'memory.oom_control')),
    };
  }
  const v2 = lines.find((line) => line.startsWith('0::'))?.slice(3);
  if (v2 === undefined) return undefined;
  const v2Root =
    readText(path.join(root, 'cgroup.controllers')) !== undefined ? root : path.join(root, 'unified');
  if (readText(path.join(v2Root, v2, 'memory.events')) === undefined) return undefined;
  const limit = effectiveLimit(v2Root, v2, 'memory.max');
  const usageFile = limit && path.join(limit.dir, 'memory.current');
  return {
    limitBytes: limit?.bytes,
    usageBytes: () => usageIn(usageFile),
    oomKills: () => oomKillCount(path.join(v2Root, v2, 'memory.events')),
  };
}

/** Samples one horse through one job; `finish()` gives what a death report needs. */
export class VitalsSampler {
  private peak: number | undefined;
  private latest: number | undefined;
  private cgroupUsage: number | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly cgroup: MemoryCgroup | undefined;
  private readonly oomKillsBefore: number | undefined;

  constructor(
    private readonly pid: number,
    intervalMs = 1000,
  ) {
    resetPeakMemory(pid);
    this.cgroup = memoryCgroupOf(pid);
    this.oomKillsBefore = this.cgroup?.oomKills();
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** The horse's resident set at the last sample, for the worker's heartbeat. */
  get rssBytes(): number | undefined {
    return this.latest;
  }

  /** What the horse's limiting cgroup holds at the last sample (worker and horse together). */
  get cgroupUsageBytes(): number | undefined {
    return this.cgroupUsage;
  }

  /** The memory limit the horse runs under, published next to its RSS (MEM-HIGH in the console). */
  get limitBytes(): number | undefined {
    return this.cgroup?.limitBytes;
  }

  sample(): void {
    const memory = readProcessMemory(this.pid);
    if (!memory) return;
    this.latest = memory.rssBytes;
    this.peak = Math.max(this.peak ?? 0, memory.peakBytes);
    this.cgroupUsage = this.cgroup?.usageBytes();
  }

  /** Stops sampling; call it once the horse has exited (or the job ended). */
  finish(): HorseVitals {
    clearInterval(this.timer);
    const after = this.cgroup?.oomKills();
    return {
      peakRssBytes: this.peak,
      limitBytes: this.cgroup?.limitBytes,
      oomKilled:
        after === undefined || this.oomKillsBefore === undefined ? undefined : after > this.oomKillsBefore,
    };
  }
}

export function formatBytes(bytes: number): string {
  const mib = bytes / (KIB * KIB);
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib.toFixed(mib < 10 ? 1 : 0)} MiB`;
}

/** What happened to a horse that died unasked, in words: the part after RQ's own text. */
export function explainDeath(
  cause: 'crashed' | 'kill-horse',
  signal: string | undefined,
  exitCode: number,
  vitals: HorseVitals | undefined,
): string {
  const memory = [
    vitals?.peakRssBytes !== undefined ? `peak RSS ${formatBytes(vitals.peakRssBytes)}` : undefined,
    vitals?.limitBytes !== undefined ? `memory limit ${formatBytes(vitals.limitBytes)}` : 'no memory limit',
  ].filter(Boolean);
  const detail = vitals ? ` (${memory.join(', ')})` : '';
  if (cause === 'kill-horse') return `killed by a kill-horse command${detail}`;
  if (vitals?.oomKilled) return `killed by the OOM killer${signal ? ` (${signal})` : ''}${detail}`;
  if (signal === 'SIGKILL') return `SIGKILL from outside${detail}`;
  if (signal) return `killed by ${signal}${detail}`;
  return `crashed with exit code ${exitCode}${detail}`;
}
