import { escapeControl, formatCount, formatDuration, sparkline } from '../text.js';
import {
  ORPHAN_TEXT,
  type OrphanReason,
  type QueueFlag,
  type QueueRow,
  type WorkerFlag,
  type WorkerRow,
} from './derive.js';
import type { JobListKind, JobSummary } from './jobs.js';
import type { RowFields, Sortable } from './table.js';
import type { LayoutColumn } from './layout.js';

// Column definitions for the tables: titles, widths and priorities (see layout.ts), how to
// sort, and how to turn a row into escaped text. Only the rows on screen are formatted.

export type Tone = 'normal' | 'good' | 'warn' | 'bad' | 'dim' | 'accent';

export interface Column<Row> extends Sortable<Row>, LayoutColumn {
  align?: 'left' | 'right';
  /** Which end survives a cut: names keep their distinguishing end. */
  keep?: 'start' | 'end';
  text: (row: Row, now: number) => string;
  tone?: (row: Row) => Tone;
}

const FLAG_TEXT: Record<WorkerFlag, string> = {
  ghost: 'GHOST',
  dead: 'DEAD',
  stale: 'STALE-HB',
  late: 'late-hb',
  overtime: 'OVERTIME',
  slow: 'SLOW',
  'mem-high': 'MEM-HIGH',
  deaf: 'DEAF',
  stopping: 'stopping',
};

/** 512K, 87M, 1.9G: RSS in four characters or so. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)}${units[unit]}`;
}

export function workerFlagsText(flags: readonly WorkerFlag[]): string {
  return flags.map((f) => FLAG_TEXT[f]).join(' ');
}

function stateTone(row: WorkerRow): Tone {
  switch (row.state) {
    case 'busy':
      return 'warn';
    case 'idle':
      return 'good';
    case 'started':
      return 'accent';
    case 'suspended':
      return 'dim';
    default:
      return 'bad';
  }
}

export const WORKER_COLUMNS: readonly Column<WorkerRow>[] = [
  {
    id: 'launched',
    title: '',
    width: 1,
    priority: 1,
    pin: true,
    hideEmpty: true,
    text: (r) => (r.launched ? '◆' : ' '),
    tone: () => 'accent',
  },
  {
    id: 'name',
    title: 'NAME',
    width: 20,
    priority: 1,
    pin: true,
    keep: 'end',
    flex: 1,
    sortValue: (r) => r.name,
    text: (r) => escapeControl(r.name),
  },
  {
    id: 'pool',
    title: 'POOL',
    width: 6,
    priority: 4,
    hideEmpty: true,
    keep: 'end',
    sortValue: (r) => r.pool,
    text: (r) => escapeControl(r.pool ?? ''),
  },
  {
    id: 'state',
    title: 'STATE',
    width: 5,
    priority: 1,
    sortValue: (r) => r.state,
    text: (r) => escapeControl(r.state),
    tone: stateTone,
  },
  {
    id: 'queues',
    title: 'QUEUES',
    width: 6,
    max: 40,
    priority: 4,
    sortValue: (r) => r.queues.join(','),
    text: (r) => escapeControl(r.queues.join(',')),
  },
  {
    id: 'job',
    title: 'CURRENT JOB',
    width: 16,
    priority: 2,
    flex: 2,
    sortValue: (r) => r.job?.description ?? r.currentJobId,
    text: (r) => (r.currentJobId ? escapeControl(r.job?.description ?? r.currentJobId) : ''),
  },
  {
    id: 'elapsed',
    title: 'ELAPSED/LIMIT',
    width: 7,
    priority: 2,
    align: 'right',
    sortValue: (r) => r.jobElapsedSeconds,
    text: (r) =>
      r.currentJobId
        ? `${formatDuration(r.jobElapsedSeconds)}/${r.jobTimeoutSeconds === undefined ? '∞' : formatDuration(r.jobTimeoutSeconds)}`
        : '',
    tone: (r) => (r.flags.includes('overtime') ? 'bad' : 'normal'),
  },
  {
    id: 'mem',
    title: 'MEM',
    width: 4,
    priority: 3,
    align: 'right',
    sortValue: (r) => r.rssBytes,
    text: (r) => (r.rssBytes !== undefined ? formatBytes(r.rssBytes) : r.rqts || r.ghost ? '' : '—'),
    tone: (r) => (r.flags.includes('mem-high') ? 'bad' : r.rssBytes === undefined ? 'dim' : 'normal'),
  },
  {
    id: 'heartbeat',
    title: 'BEAT',
    width: 4,
    priority: 3,
    align: 'right',
    sortValue: (r) => r.heartbeatAgeSeconds,
    text: (r) => formatDuration(r.heartbeatAgeSeconds),
    tone: (r) => (r.heartbeat === 'stale' ? 'bad' : r.heartbeat === 'late' ? 'warn' : 'normal'),
  },
  {
    id: 'ok',
    title: 'OK',
    width: 4,
    priority: 4,
    align: 'right',
    sortValue: (r) => r.successful,
    text: (r) => formatCount(r.successful),
  },
  {
    id: 'failed',
    title: 'FAIL',
    width: 4,
    priority: 4,
    align: 'right',
    sortValue: (r) => r.failed,
    text: (r) => formatCount(r.failed),
    tone: (r) => (r.failed > 0 ? 'warn' : 'normal'),
  },
  {
    id: 'work',
    title: 'WORKED',
    width: 6,
    priority: 5,
    align: 'right',
    sortValue: (r) => r.totalWorkingSeconds,
    text: (r) => formatDuration(r.totalWorkingSeconds),
  },
  {
    id: 'version',
    title: 'VERSION',
    width: 5,
    max: 12,
    // The first to give way: pid@host says where to look, the version rarely changes the fix.
    priority: 6,
    sortValue: (r) => r.software,
    // "RQ 2.10.0" reads as "RQ 2.10": the patch level rarely matters on call.
    text: (r) => (r.ghost ? '' : escapeControl(r.software.replace(/^(RQ \d+\.\d+)\.0$/, '$1'))),
  },
  {
    id: 'where',
    title: 'PID@HOST',
    width: 8,
    max: 40,
    priority: 5,
    sortValue: (r) => `${r.hostname ?? ''}:${String(r.pid ?? 0).padStart(10, '0')}`,
    text: (r) => (r.ghost ? '' : escapeControl(`${r.pid ?? '?'}@${r.hostname ?? '?'}`)),
  },
  {
    id: 'flags',
    title: 'FLAGS',
    width: 5,
    priority: 1,
    sortValue: (r) => (r.flags.length === 0 ? undefined : r.flags.join(' ')),
    text: (r) => workerFlagsText(r.flags),
    tone: (r) =>
      r.flags.some((f) => f !== 'stopping' && f !== 'late') ? 'bad' : r.flags.length > 0 ? 'warn' : 'normal',
  },
];

export function workerHaystack(row: WorkerRow): string {
  return [
    row.name,
    row.pool ?? '',
    row.state,
    row.queues.join(','),
    row.currentJobId ?? '',
    row.job?.description ?? '',
    row.hostname ?? '',
    row.software,
    String(row.pid ?? ''),
    workerFlagsText(row.flags),
  ].join(' ');
}

/** A right-aligned number column of the queues table, titled by its own width. */
const numeric = (
  id: string,
  title: string,
  pick: (r: QueueRow) => number | undefined,
  priority: number,
  format: (value: number) => string,
  tone?: (r: QueueRow) => Tone,
): Column<QueueRow> => ({
  id,
  title,
  width: title.length,
  priority,
  align: 'right',
  sortValue: pick,
  text: (r) => {
    const value = pick(r);
    return value === undefined ? '' : format(value);
  },
  tone,
});

const count = (
  pick: (r: QueueRow) => number,
  title: string,
  id: string,
  priority: number,
  tone?: (r: QueueRow) => Tone,
): Column<QueueRow> => numeric(id, title, pick, priority, formatCount, tone);

const TREND_WIDTH = 10;

const QUEUE_FLAG_TEXT: Record<QueueFlag, string> = {
  'no-worker': 'NO-WORKER',
  growing: 'GROWING',
  unregistered: 'unregistered',
};

/** Jobs a second: "0", "2.5", "37". */
const rate = (
  id: string,
  title: string,
  pick: (r: QueueRow) => number | undefined,
  priority: number,
  tone?: (r: QueueRow) => Tone,
): Column<QueueRow> =>
  numeric(
    id,
    title,
    pick,
    priority,
    (v) => (v === 0 ? '0' : v < 10 ? v.toFixed(1) : formatCount(Math.round(v))),
    tone,
  );

export const QUEUE_COLUMNS: readonly Column<QueueRow>[] = [
  {
    id: 'name',
    title: 'QUEUE',
    width: 12,
    priority: 1,
    pin: true,
    keep: 'end',
    flex: 1,
    sortValue: (r) => r.name,
    text: (r) => escapeControl(r.name),
  },
  count(
    (r) => r.queued,
    'QUEUED',
    'queued',
    1,
    (r) => (r.flags.includes('no-worker') ? 'bad' : 'normal'),
  ),
  count((r) => r.started, 'STARTED', 'started', 3),
  count((r) => r.finished, 'FINISHED', 'finished', 4),
  count(
    (r) => r.failed,
    'FAILED',
    'failed',
    2,
    (r) => (r.failed > 0 ? 'warn' : 'normal'),
  ),
  count((r) => r.deferred, 'DEFERRED', 'deferred', 5),
  count((r) => r.scheduled, 'SCHEDULED', 'scheduled', 5),
  count((r) => r.canceled, 'CANCELED', 'canceled', 5),
  count(
    (r) => r.workers,
    'WORKERS',
    'workers',
    2,
    (r) => (r.workers === 0 ? 'dim' : 'normal'),
  ),
  {
    id: 'oldest',
    title: 'OLDEST',
    width: 6,
    priority: 2,
    align: 'right',
    sortValue: (r) => r.oldestAgeSeconds,
    text: (r) => (r.oldestAgeSeconds === undefined ? '' : formatDuration(r.oldestAgeSeconds)),
  },
  {
    id: 'trend',
    title: 'BACKLOG 5m',
    width: TREND_WIDTH,
    priority: 4,
    sortValue: (r) => r.trend?.growing?.by,
    text: (r) => (r.trend ? sparkline(compress(r.trend.backlog, TREND_WIDTH), TREND_WIDTH) : ''),
    tone: (r) => (r.trend?.growing ? 'warn' : 'dim'),
  },
  {
    id: 'ageTrend',
    title: 'AGE 5m',
    width: TREND_WIDTH,
    priority: 5,
    sortValue: (r) => r.trend?.oldestAge.at(-1),
    // An empty queue has no oldest job: a gap in the line, not an age of zero.
    text: (r) =>
      r.trend
        ? sparkline(
            compress(
              r.trend.oldestAge.map((a) => a ?? 0),
              TREND_WIDTH,
            ),
            TREND_WIDTH,
          )
        : '',
    tone: () => 'dim',
  },
  rate('done', 'DONE/s', (r) => r.trend?.finishedPerSecond, 3),
  rate(
    'failRate',
    'FAIL/s',
    (r) => r.trend?.failedPerSecond,
    2,
    (r) => ((r.trend?.failedPerSecond ?? 0) > 0 ? 'bad' : 'normal'),
  ),
  numeric(
    'errors',
    'ERR%',
    (r) => r.trend?.errorRate,
    4,
    (v) => `${Math.round(v * 100)}%`,
    (r) => ((r.trend?.errorRate ?? 0) >= 0.1 ? 'bad' : 'normal'),
  ),
  {
    id: 'flags',
    title: 'FLAGS',
    width: 5,
    priority: 1,
    sortValue: (r) => (r.flags.length === 0 ? undefined : r.flags.join(' ')),
    text: (r) => r.flags.map((f) => QUEUE_FLAG_TEXT[f]).join(' '),
    tone: (r) => (r.flags.includes('no-worker') ? 'bad' : r.flags.includes('growing') ? 'warn' : 'dim'),
  },
];

/** Keeps the last `width` slots' shape: each character is the largest of the slots it covers. */
function compress(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const per = values.length / width;
  return Array.from({ length: width }, (_, i) =>
    Math.max(...values.slice(Math.floor(i * per), Math.floor((i + 1) * per))),
  );
}

export function workerFields(row: WorkerRow): RowFields {
  return {
    queue: row.queues,
    state: [row.state],
    flag: workerFlagsText(row.flags).split(' '),
    func: [row.job?.description ?? ''],
  };
}

export function queueFields(row: QueueRow): RowFields {
  return { queue: [row.name], flag: row.flags };
}

export function jobFields(job: JobSummary): RowFields {
  return {
    queue: [job.origin ?? ''],
    state: [job.status ?? ''],
    func: [job.funcName ?? '', job.description ?? ''],
  };
}

export function queueHaystack(row: QueueRow): string {
  return [row.name, ...row.flags].join(' ');
}

function jobAgeDate(job: JobSummary, kind: JobListKind): Date | undefined {
  if (kind === 'queued' || kind === 'deferred' || kind === 'scheduled')
    return job.enqueuedAt ?? job.createdAt;
  if (kind === 'started') return job.startedAt;
  return job.endedAt ?? job.startedAt ?? job.enqueuedAt;
}

/**
 * The jobs table's columns for one registry. On the started registry a job nobody is running
 * any more says so in its own row, with why: that row is what F or r acts on.
 */
export function jobColumns(
  kind: JobListKind,
  orphans: ReadonlyMap<string, { reason: OrphanReason }> = new Map(),
): Column<JobSummary>[] {
  const age: Column<JobSummary> = {
    id: 'age',
    title: kind === 'started' ? 'RUNNING' : kind === 'queued' ? 'WAITING' : 'AGE',
    width: 5,
    priority: 2,
    align: 'right',
    // Ascending: the youngest first.
    sortValue: (j) => {
      const date = jobAgeDate(j, kind);
      return date ? -date.getTime() : undefined;
    },
    text: (j, now) => {
      const date = jobAgeDate(j, kind);
      return date ? formatDuration((now - date.getTime()) / 1000) : '';
    },
  };
  const columns: Column<JobSummary>[] = [
    { id: 'id', title: 'JOB ID', width: 12, max: 36, priority: 1, text: (j) => escapeControl(j.id) },
    {
      id: 'status',
      title: 'STATUS',
      width: 6,
      priority: 1,
      text: (j) => (j.missing ? 'gone' : escapeControl(j.status ?? '?')),
      tone: (j) =>
        j.missing
          ? 'dim'
          : j.status === 'failed' || j.status === 'stopped'
            ? 'bad'
            : j.status === 'started'
              ? 'warn'
              : 'normal',
    },
    {
      id: 'description',
      title: 'DESCRIPTION',
      width: 16,
      priority: 2,
      flex: 2,
      // Sorted by function: what the description calls.
      sortValue: (j) => j.funcName ?? j.description,
      text: (j) =>
        j.missing
          ? '(job hash expired or deleted)'
          : escapeControl(j.description ?? j.funcName ?? (j.pickled ? '(pickled payload)' : '?')),
    },
    age,
    {
      id: 'worker',
      title: 'WORKER',
      width: 8,
      priority: 3,
      keep: 'end',
      hideEmpty: true,
      sortValue: (j) => j.workerName || undefined,
      text: (j) => escapeControl(j.workerName ?? ''),
    },
  ];
  if (kind === 'started')
    columns.push({
      // RQ 2.x runs a job as an execution with its own heartbeat: a stale one is a frozen horse.
      id: 'execution',
      title: 'EXECUTION',
      width: 9,
      max: 20,
      priority: 4,
      hideEmpty: true,
      text: (j, now) =>
        j.executionId === undefined
          ? ''
          : `${escapeControl(j.executionId.slice(0, 8))} ♥${j.executionHeartbeat ? formatDuration((now - j.executionHeartbeat.getTime()) / 1000) : '?'}`,
    });
  if (kind === 'started')
    columns.push({
      id: 'orphan',
      title: 'FLAGS',
      width: 8,
      max: 48,
      priority: 1,
      hideEmpty: true,
      text: (j) => {
        const orphan = orphans.get(j.id);
        return orphan ? `ORPHANED: ${ORPHAN_TEXT[orphan.reason]}` : '';
      },
      tone: () => 'bad',
    });
  if (kind === 'failed')
    columns.push({
      id: 'error',
      title: 'ERROR',
      width: 16,
      priority: 2,
      flex: 2,
      sortValue: (j) => j.errorLine || undefined,
      text: (j) => escapeControl(j.errorLine ?? ''),
      tone: () => 'bad',
    });
  return columns;
}

export function jobHaystack(job: JobSummary): string {
  return [
    job.id,
    job.status ?? '',
    job.description ?? '',
    job.funcName ?? '',
    job.workerName ?? '',
    job.errorLine ?? '',
  ].join(' ');
}

/** A table's columns as its sort keys see them (the jobs table's depend on the registry). */
export function sortColumns(
  table: 'workers' | 'queues' | 'jobs',
  kind: JobListKind,
): readonly (Sortable<never> & { title: string })[] {
  return table === 'workers' ? WORKER_COLUMNS : table === 'queues' ? QUEUE_COLUMNS : jobColumns(kind);
}
