import { cronHealth, cronJobOverdue } from '../model/cron-scheduler.js';
import { formatLocalDatetime } from '../model/time.js';
import type { WorkerRecord } from '../model/worker-record.js';
import type { InfoSnapshot } from './info-data.js';

// `rq info`'s text, byte for byte where rq 1.16 defines it (docs/protocol.md §8.2), so eyes and
// scripts used to rq read it unchanged; plus a JSON document for scripts. Pure functions of
// a snapshot: tests render without Redis.

export interface RenderOptions {
  raw: boolean;
  color: boolean;
}

const SCALES = [20, 50, 100, 200, 400, 600, 800, 1000];
const CHART_WIDTH = 20;

const paint = (code: number) => (text: string, color: boolean) =>
  color ? `\u001b[${code}m${text}\u001b[0m` : text;
const green = paint(32);
const red = paint(31);
const yellow = paint(33);

/** rq's get_scale: the smallest step that holds the largest queue. */
export function chartScale(maxCount: number): number {
  return SCALES.find((scale) => maxCount <= scale) ?? maxCount;
}

export function renderQueues(snapshot: InfoSnapshot, options: RenderOptions): string[] {
  const max = Math.max(0, ...snapshot.queues.map((q) => q.count));
  const ratio = CHART_WIDTH / chartScale(max);
  const lines = snapshot.queues.map((q) => {
    const tail = `${q.count}, ${q.registries.started} executing, ${q.registries.finished} finished, ${q.registries.failed} failed`;
    if (options.raw) return `queue ${q.name} ${tail}`;
    const chart = green(`|${'█'.repeat(Math.floor(ratio * q.count))}`, options.color);
    return `${q.name.padEnd(12)} ${chart} ${tail}`;
  });
  if (!options.raw) {
    const total = snapshot.queues.reduce((sum, q) => sum + q.count, 0);
    lines.push(`${snapshot.queues.length} queues, ${total} jobs total`);
  }
  return lines;
}

function stateText(state: string, color: boolean): string {
  if (state === 'busy') return red(state, color);
  if (state === 'idle') return green(state, color);
  if (state === 'suspended') return yellow(state, color);
  return state;
}

const pythonText = (value: string | number | undefined): string =>
  value === undefined ? 'None' : String(value);

export function workerLine(worker: WorkerRecord, options: RenderOptions): string {
  const name = `${worker.name} (${pythonText(worker.hostname)} ${pythonText(worker.ipAddress)} ${pythonText(worker.pid)})`;
  const jobs = `jobs: ${Math.trunc(worker.successfulJobCount)} finished, ${Math.trunc(worker.failedJobCount)} failed`;
  const queues = worker.queues.join(', ');
  return options.raw
    ? `worker ${name} ${worker.state} ${queues}. ${jobs}`
    : `${name}: ${stateText(worker.state, options.color)} ${queues}. ${jobs}`;
}

export function renderWorkers(
  snapshot: InfoSnapshot,
  options: RenderOptions & { byQueue: boolean },
): string[] {
  const lines: string[] = [];
  if (!options.byQueue) {
    lines.push(...snapshot.workers.map((w) => workerLine(w, options)));
  } else {
    const names = snapshot.queues.map((q) => q.name);
    const width = Math.max(0, ...names.map((n) => n.length)) + 1;
    for (const name of names) {
      const workers = snapshot.workersByQueue[name] ?? [];
      const list =
        workers.length > 0
          ? workers
              .map((w) => `${w.name} (${stateText(w.state, options.color)})`)
              .sort()
              .join(', ')
          : '–';
      lines.push(`${`${name}:`.padEnd(width)} ${list}`);
    }
  }
  if (!options.raw) lines.push(`${snapshot.workers.length} workers, ${snapshot.queues.length} queues`);
  return lines;
}

export function suspendedLine(snapshot: InfoSnapshot, raw: boolean): string | undefined {
  if (!snapshot.suspended) return undefined;
  const left = snapshot.suspendedSecondsLeft;
  if (raw) return left !== undefined ? `suspended ${left}` : 'suspended';
  return `Suspended: workers start no new jobs${left !== undefined ? ` for ${left} more seconds` : ''} (rqts resume to resume)`;
}

/** The default view: queues, workers, and the time, as rq's show_both. */
export function renderBoth(snapshot: InfoSnapshot, options: RenderOptions & { byQueue: boolean }): string[] {
  const lines = renderQueues(snapshot, options);
  if (!options.raw) lines.push('');
  lines.push(...renderWorkers(snapshot, options));
  const suspended = suspendedLine(snapshot, options.raw);
  if (!options.raw) lines.push('');
  // rqts addition, printed only while suspended so normal output stays identical to rq's.
  if (suspended) lines.push(suspended);
  if (!options.raw) lines.push(`Updated: ${formatLocalDatetime(snapshot.updatedAt)}`);
  return lines;
}

export type InfoPart = 'both' | 'queues' | 'workers';

/** One JSON document for scripts: every count, every worker field. */
export function infoJson(snapshot: InfoSnapshot, part: InfoPart): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    redis: snapshot.redis,
    suspended: snapshot.suspended,
    suspendedSecondsLeft: snapshot.suspendedSecondsLeft ?? null,
    updatedAt: snapshot.updatedAt.toISOString(),
  };
  if (part !== 'workers') {
    doc.queues = snapshot.queues;
    doc.jobsTotal = snapshot.queues.reduce((sum, q) => sum + q.count, 0);
  }
  if (part !== 'queues') {
    doc.workers = snapshot.workers;
    // Dates as ISO strings; the heartbeat as one too, beside RQ's epoch score.
    doc.cronSchedulers = snapshot.cronSchedulers.map((s) => ({
      ...s,
      heartbeatAt: new Date(s.heartbeatAt).toISOString(),
      health: cronHealth(s, snapshot.updatedAt.getTime()),
      jobs: s.jobs.map((j) => ({ ...j, overdue: cronJobOverdue(j, snapshot.updatedAt.getTime()) })),
    }));
    if (Object.keys(snapshot.workersByQueue).length > 0) {
      doc.workersByQueue = Object.fromEntries(
        Object.entries(snapshot.workersByQueue).map(([q, ws]) => [q, ws.map((w) => w.name)]),
      );
    }
  }
  return doc;
}
