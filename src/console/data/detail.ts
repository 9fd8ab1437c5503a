import { deathReasonOf } from './death.js';
import type { Tone } from './columns.js';
import { formatBytes, workerFlagsText } from './columns.js';
import type { WorkerRow } from './derive.js';
import type { JobDetail } from './jobs.js';
import type { Job } from '../../model/job.js';
import type { WorkerEntry } from './snapshot.js';
import {
  DEFAULT_SLOW,
  distributionText,
  functionOf,
  isSlow,
  slowText,
  type RunStats,
  type SlowThresholds,
} from './runtimes.js';
import wrapAnsi from 'wrap-ansi';
import { displayWidth, escapeControl, escapeLines, formatDuration, formatTimestampWithAge } from '../text.js';
import { flatValue, prettyLines } from './pretty-value.js';

// The detail screen's text, built as plain lines (escaped) so the view only scrolls them:
// values pretty-printed for the width, then every line wrapped to it (wrapLines).

export interface Line {
  text: string;
  tone?: Tone;
  bold?: boolean;
  /** Where a wrapped line's continuation starts (a field's value column); else its indent + 2. */
  hang?: number;
}

const field = (name: string, value: string, tone?: Tone): Line => {
  const column = Math.max(16, name.length + 1);
  return { text: `${name.padEnd(column)}${value}`, tone, hang: column };
};
const section = (title: string): Line => ({ text: title, bold: true, tone: 'accent' });
const blank: Line = { text: '' };

/** A value pretty-printed (JSON or a Python literal), indented by `indent`, escaped. */
function pretty(value: unknown, width: number, indent = '', tone?: Tone): Line[] {
  return prettyLines(value, Math.max(20, width - indent.length)).flatMap((text) =>
    escapeLines(text).map((t) => ({ text: `${indent}${t}`, tone })),
  );
}

/** A value beside its name when it fits there, else as an indented block under it. */
function valueField(name: string, value: unknown, width: number): Line[] {
  const line = field(name, escapeControl(flatValue(value)));
  if (displayWidth(line.text) <= width) return [line];
  return [{ text: name }, ...pretty(value, width, '  ')];
}

/**
 * Lines wider than `width` wrapped (wrap-ansi), each continuation under the field's value
 * or indented two past the line's own indent, keeping the line's tone.
 */
export function wrapLines(lines: readonly Line[], width: number): Line[] {
  if (!Number.isFinite(width)) return [...lines];
  return lines.flatMap((line) => {
    if (displayWidth(line.text) <= width) return [line];
    const lead = line.text.length - line.text.trimStart().length;
    let prefix = line.hang ?? lead;
    let extra = line.hang === undefined ? 2 : 0;
    if (width - prefix - extra < 20) [prefix, extra] = [0, 0];
    const body = wrapAnsi(line.text.slice(prefix), width - prefix - extra, { hard: true, trim: true });
    return body.split('\n').map((text, n) => ({
      ...line,
      text: n === 0 ? `${line.text.slice(0, prefix)}${text}` : `${' '.repeat(prefix + extra)}${text}`,
    }));
  });
}

/**
 * A job's run time beside its function's usual one (p50/p95 of recent finished runs), so
 * "is this slow?" is answered on the job's own page: running or finished.
 */
function runTimeLines(job: Job, usual: RunStats | undefined, slow: SlowThresholds, now: number): Line[] {
  const ran =
    job.startedAt && job.endedAt
      ? (job.endedAt.getTime() - job.startedAt.getTime()) / 1000
      : job.startedAt && job.status === 'started'
        ? (now - job.startedAt.getTime()) / 1000
        : undefined;
  if (!usual)
    return [field('usual run time', 'not learnt yet (no finished runs of this function seen)', 'dim')];
  const running = job.status === 'started';
  const isSlowNow = running && isSlow(usual, ran, slow);
  const ratio = ran !== undefined && usual.p95 > 0 ? ` (${(ran / usual.p95).toFixed(1)}× its p95)` : '';
  return [
    field('usual run time', distributionText(usual)),
    ...(ran === undefined
      ? []
      : [
          field(
            running ? 'running for' : 'this run',
            isSlowNow ? `SLOW: ${slowText(usual, ran)}` : `${formatDuration(ran)}${ratio}`,
            isSlowNow ? 'bad' : 'normal',
          ),
        ]),
  ];
}

/** What only RQ 2.x jobs carry: repeats, retry at the front, webhooks, group, executions. */
function rq2Lines(job: Job, detail: JobDetail): Line[] {
  const lines: Line[] = [];
  const rq2 = job.rq2;
  if (rq2?.repeatsLeft !== undefined) {
    const every = rq2.repeatIntervals?.length ? `, intervals ${rq2.repeatIntervals.join(', ')} s` : '';
    lines.push(field('repeats left', `${rq2.repeatsLeft}${every}`));
  }
  if (rq2?.enqueueAtFrontOnRetry) lines.push(field('retry', 'at the front of the queue'));
  if (rq2?.webhooks) {
    const urls = webhookUrls(rq2.webhooks);
    lines.push(
      field('webhooks', urls.length > 0 ? escapeControl(urls.join(', ')) : escapeControl(rq2.webhooks)),
    );
  }
  if (detail.groupId) lines.push(field('group', escapeControl(detail.groupId)));
  if (detail.executions && detail.executions.length > 0)
    lines.push(field('executions', escapeControl(detail.executions.join(', '))));
  return lines;
}

function webhookUrls(stored: string): string[] {
  try {
    const parsed: unknown = JSON.parse(stored);
    if (!Array.isArray(parsed)) return [];
    return parsed
      .map((w: unknown) => (w && typeof w === 'object' ? (w as Record<string, unknown>).url : undefined))
      .filter((u): u is string => typeof u === 'string');
  } catch {
    return [];
  }
}

const SGR: Partial<Record<Tone, string>> = { good: '32', warn: '33', bad: '31', dim: '2', accent: '36' };

/** The lines as one text for a pager: tones and bold as ANSI colours (`less -R` shows them). */
export function detailText(lines: readonly Line[]): string {
  return `${lines
    .map((line) => {
      const codes = [line.bold ? '1' : '', line.tone ? (SGR[line.tone] ?? '') : ''].filter(Boolean);
      return codes.length > 0 && line.text !== ''
        ? `\u001b[${codes.join(';')}m${line.text}\u001b[0m`
        : line.text;
    })
    .join('\n')}\n`;
}

export function jobDetailLines(
  detail: JobDetail | undefined,
  now: number,
  requestedId: string,
  usualOf: (func: string | undefined) => RunStats | undefined = () => undefined,
  slow: SlowThresholds = DEFAULT_SLOW,
  width = Number.POSITIVE_INFINITY,
): Line[] {
  if (!detail || detail.id !== requestedId)
    return [{ text: `Loading job ${escapeControl(requestedId)}…`, tone: 'dim' }];
  const lines: Line[] = [{ text: `Job ${escapeControl(detail.id)}`, bold: true }];
  // On call, why the horse died is the first question: answer it before everything else.
  const died = deathReasonOf(detail.result?.excString) ?? deathReasonOf(detail.job?.excInfo);
  if (died) lines.push(field('horse died', escapeControl(died), 'bad'));
  lines.push(
    field(
      'listed in',
      detail.where.length > 0 ? escapeControl(detail.where.join(', ')) : 'no queue or registry',
      detail.where.length > 1 ? 'bad' : detail.where.length === 0 ? 'dim' : 'normal',
    ),
  );
  const job = detail.job;
  if (!job) {
    lines.push({ text: escapeControl(detail.error ?? 'No such job'), tone: 'bad' });
  } else {
    const statusTone: Tone =
      job.status === 'failed' || job.status === 'stopped'
        ? 'bad'
        : job.status === 'started'
          ? 'warn'
          : job.status === 'finished'
            ? 'good'
            : 'normal';
    lines.push(field('status', escapeControl(job.status ?? '?'), statusTone));
    lines.push(field('queue', escapeControl(job.origin)));
    let call: { funcName: string; args: unknown[]; kwargs: Record<string, unknown> } | undefined;
    let callError: string | undefined;
    try {
      call = job.getCall();
    } catch (error) {
      callError = job.isPickled
        ? 'pickled payload: not decoded (rqts reads JSON-serialized jobs only)'
        : (error as Error).message;
    }
    if (call) {
      lines.push(field('function', escapeControl(call.funcName)));
      lines.push(...valueField('args', call.args, width));
      lines.push(...valueField('kwargs', call.kwargs, width));
    } else {
      lines.push(field('function', escapeControl(callError ?? '?'), 'warn'));
    }
    lines.push(field('description', escapeControl(job.description ?? '')));
    lines.push(field('worker', escapeControl(job.workerName || '-')));
    lines.push(
      field(
        'timeout',
        job.timeout === undefined ? '(worker default)' : job.timeout === -1 ? 'none' : `${job.timeout}s`,
      ),
    );
    lines.push(field('result ttl', job.resultTtl === undefined ? '(default)' : `${job.resultTtl}s`));
    lines.push(field('failure ttl', job.failureTtl === undefined ? '(default)' : `${job.failureTtl}s`));
    if (job.ttl !== undefined) lines.push(field('ttl', `${job.ttl}s`));
    if (job.retriesLeft !== undefined) lines.push(field('retries left', String(job.retriesLeft)));
    if (job.dependencyIds.length > 0)
      lines.push(field('depends on', escapeControl(job.dependencyIds.join(', '))));
    lines.push(...rq2Lines(job, detail));
    lines.push(blank, section('Timestamps'));
    lines.push(field('created', formatTimestampWithAge(job.createdAt, now)));
    lines.push(field('enqueued', formatTimestampWithAge(job.enqueuedAt, now)));
    lines.push(field('started', formatTimestampWithAge(job.startedAt, now)));
    lines.push(field('ended', formatTimestampWithAge(job.endedAt, now)));
    lines.push(field('last heartbeat', formatTimestampWithAge(job.lastHeartbeat, now)));
    if (job.startedAt && job.endedAt)
      lines.push(field('ran for', formatDuration((job.endedAt.getTime() - job.startedAt.getTime()) / 1000)));
    lines.push(...runTimeLines(job, usualOf(call?.funcName ?? functionOf(job.description)), slow, now));
    if (Object.keys(job.meta).length > 0) {
      lines.push(blank, section('Meta'));
      lines.push(...pretty(job.meta, width));
    }
  }
  const result = detail.result;
  if (result) {
    lines.push(
      blank,
      section(`Latest result: ${result.type} at ${formatTimestampWithAge(result.createdAt, now)}`),
    );
    if (result.excString)
      for (const text of escapeLines(result.excString.trimEnd())) lines.push({ text, tone: 'bad' });
    else if (result.returnValue !== undefined) lines.push(...pretty(result.returnValue, width));
    else lines.push({ text: '(no return value)', tone: 'dim' });
  }
  if (job?.excInfo && job.excInfo.trim() !== '' && job.excInfo !== result?.excString) {
    lines.push(blank, section('exc_info (job hash)'));
    for (const text of escapeLines(job.excInfo.trimEnd())) lines.push({ text, tone: 'bad' });
  }
  return lines;
}

function heartbeatWindowText(row: WorkerRow): string {
  const w = row.window;
  if (!w) return 'no window';
  const every = `beats every ${formatDuration(w.intervalSeconds)}`;
  return w.source === 'ttl'
    ? `${every}: its key got a ${formatDuration(w.ttlSeconds)} TTL at the last beat`
    : `${every} (RQ's default: its key has no TTL to read)`;
}

export function workerDetailLines(
  row: WorkerRow | undefined,
  entry: WorkerEntry | undefined,
  now: number,
  requestedName: string,
): Line[] {
  if (!row) return [{ text: `Worker ${escapeControl(requestedName)} is no longer listed`, tone: 'dim' }];
  const lines: Line[] = [
    {
      text: `Worker ${escapeControl(row.name)}${row.launched ? '  (launched by this console)' : ''}`,
      bold: true,
    },
  ];
  if (row.ghost) {
    lines.push({
      text: 'Ghost entry: listed in rq:workers but its hash is gone (the worker died without registering its death).',
      tone: 'bad',
    });
    return lines;
  }
  lines.push(field('state', escapeControl(row.state)));
  lines.push(field('pool', row.pool === undefined ? '- (not in a worker-pool)' : escapeControl(row.pool)));
  lines.push(field('flags', workerFlagsText(row.flags) || '-', row.flags.length > 0 ? 'bad' : 'normal'));
  lines.push(field('queues', escapeControl(row.queues.join(', '))));
  lines.push(
    field('listeners', `${row.listeners} on its command channel`, row.listeners === 0 ? 'bad' : 'normal'),
  );
  lines.push(
    field(
      'heartbeat',
      `${formatDuration(row.heartbeatAgeSeconds)} ago (${row.heartbeat}; ${heartbeatWindowText(row)})`,
    ),
  );
  lines.push(
    field(
      'jobs',
      `${row.successful} finished, ${row.failed} failed, ${formatDuration(row.totalWorkingSeconds)} working`,
    ),
  );
  if (row.rssBytes !== undefined)
    lines.push(
      field(
        'horse memory',
        `${formatBytes(row.rssBytes)} resident${row.memLimitBytes === undefined ? ' (no known limit)' : ` of a ${formatBytes(row.memLimitBytes)} limit (${Math.round((100 * row.rssBytes) / row.memLimitBytes)}%)`}`,
        row.flags.includes('mem-high') ? 'bad' : 'normal',
      ),
    );
  if (row.memUsedBytes !== undefined && row.memLimitBytes !== undefined)
    lines.push(
      field(
        'cgroup memory',
        `${formatBytes(row.memUsedBytes)} used of ${formatBytes(row.memLimitBytes)} (${Math.round((100 * row.memUsedBytes) / row.memLimitBytes)}%: worker, horse and page cache, what the OOM killer judges)`,
        row.flags.includes('mem-high') ? 'bad' : 'normal',
      ),
    );
  if (row.currentJobId) {
    lines.push(blank, section('Current job'));
    lines.push(field('id', escapeControl(row.currentJobId)));
    lines.push(field('description', escapeControl(row.job?.description ?? '?')));
    lines.push(
      field(
        'elapsed',
        `${formatDuration(row.jobElapsedSeconds)} of ${row.jobTimeoutSeconds === undefined ? 'no limit' : formatDuration(row.jobTimeoutSeconds)}`,
        row.flags.includes('overtime') ? 'bad' : 'normal',
      ),
    );
    lines.push(
      row.usual
        ? field(
            'usual run time',
            row.flags.includes('slow')
              ? `SLOW: ${slowText(row.usual, row.jobElapsedSeconds)}`
              : distributionText(row.usual),
            row.flags.includes('slow') ? 'bad' : 'normal',
          )
        : field('usual run time', 'not learnt yet (no finished runs of this function seen)', 'dim'),
    );
    if (row.usual && row.flags.includes('slow')) lines.push(field('', distributionText(row.usual)));
  }
  lines.push(blank, section('Hash fields'));
  const raw = entry?.record?.raw ?? {};
  for (const name of Object.keys(raw).sort())
    lines.push(field(escapeControl(name), escapeControl(raw[name] ?? '')));
  return lines;
}
