import type { Line } from '../data/detail.js';
import { cronHealth, cronJobOverdue, type CronSchedulerEntry } from '../../model/cron-scheduler.js';
import { escapeControl, formatDuration } from '../text.js';

// The cron screen: RQ 2.4+'s `rq cron` schedulers and their jobs. The question it answers at
// 3 a.m. is "why did the scheduled job not run": a scheduler that stopped beating, or a job
// whose next enqueue time has passed, is said in words, first on its line.

function when(date: Date | undefined, now: number): string {
  if (!date) return 'never';
  const age = (now - date.getTime()) / 1000;
  return age >= 0 ? `${formatDuration(age)} ago` : `in ${formatDuration(-age)}`;
}

export function cronLines(schedulers: readonly CronSchedulerEntry[] | undefined, now: number): Line[] {
  if (!schedulers) return [{ text: 'Loading…', tone: 'dim' }];
  if (schedulers.length === 0)
    return [
      {
        text: 'No cron scheduler on this Redis (rq:cron_schedulers is empty). RQ 2.4+ `rq cron CONFIG` runs one; rqts does not.',
        tone: 'dim',
      },
    ];
  const lines: Line[] = [];
  for (const s of schedulers) {
    const health = cronHealth(s, now);
    const beat = `beat ${formatDuration(Math.max(0, (now - s.heartbeatAt) / 1000))} ago`;
    const where = s.alive ? ` · ${s.pid ?? '?'}@${escapeControl(s.hostname ?? '?')}` : '';
    const state =
      health === 'gone'
        ? 'GONE: its hash expired (the scheduler died); its jobs are not being enqueued'
        : health === 'late'
          ? 'LATE: missed its once-a-minute beat (stopped or wedged?)'
          : 'ok';
    lines.push({
      text: `${escapeControl(s.name)}  ${state} · ${beat}${where}${s.configFile ? ` · ${escapeControl(s.configFile)}` : ''}`,
      bold: true,
      tone: health === 'ok' ? 'accent' : 'bad',
    });
    if (s.jobsError) lines.push({ text: `  ${escapeControl(s.jobsError)}`, tone: 'warn' });
    for (const job of s.jobs) {
      const schedule = job.cron
        ? `cron ${escapeControl(job.cron)}`
        : `every ${job.interval !== undefined && job.interval < 60 ? `${job.interval}s` : formatDuration(job.interval)}`;
      const overdue = health !== 'gone' && cronJobOverdue(job, now);
      lines.push({
        text: `  ${overdue ? 'OVERDUE ' : ''}${escapeControl(job.func)} → ${escapeControl(job.queue)} · ${schedule} · last ${when(job.latestEnqueue, now)} · next ${when(job.nextEnqueue, now)}`,
        tone: overdue ? 'bad' : 'normal',
      });
    }
    if (s.alive && s.jobs.length === 0 && !s.jobsError) lines.push({ text: '  (no jobs)', tone: 'dim' });
  }
  return lines;
}

/** The tab line's summary: how many schedulers and jobs, and how many need a look. */
export function cronSummary(schedulers: readonly CronSchedulerEntry[] | undefined, now: number): string {
  if (!schedulers) return '';
  const jobs = schedulers.reduce((n, s) => n + s.jobs.length, 0);
  const bad = schedulers.filter((s) => cronHealth(s, now) !== 'ok').length;
  const overdue = schedulers
    .filter((s) => cronHealth(s, now) !== 'gone')
    .reduce((n, s) => n + s.jobs.filter((j) => cronJobOverdue(j, now)).length, 0);
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return [
    plural(schedulers.length, 'scheduler'),
    plural(jobs, 'cron job'),
    ...(bad > 0 ? [`${bad} late or gone`] : []),
    ...(overdue > 0 ? [`${overdue} overdue`] : []),
  ].join(' · ');
}
