import type { ControllerContext } from './controller-context.js';
import { selectedJob, selectedQueue, selectedWorker } from './selectors.js';
import { escapeControl, formatDuration } from './text.js';
import { ORPHAN_TEXT } from './data/derive.js';
import { keyOf, type BindingId } from './keymap.js';
import { ask } from './ask.js';
import type { WorkerRow } from './data/derive.js';
import { checkPid, pidCheckText } from './data/process-check.js';
import { handleBulkKey } from './bulk-keys.js';

// The action keys (kill, stop, shut down, launch, requeue, empty, suspend, next step): each
// checks its target makes sense, then asks (ask.ts): a confirmation naming it when its
// binding's `confirm` says so, else the command runs at once.

function jobTargetOfScreen(ctx: ControllerContext):
  | {
      id: string;
      worker: string | undefined;
      description: string | undefined;
      status: string | undefined;
      queue: string | undefined;
    }
  | undefined {
  const { ui, model } = ctx;
  if (ui.screen === 'workers' || (ui.screen === 'detail' && ui.detail?.kind === 'worker')) {
    const w = targetWorker(ctx);
    if (!w?.currentJobId) return undefined;
    return {
      id: w.currentJobId,
      worker: w.name,
      description: w.job?.description,
      status: w.job?.status ?? 'started',
      queue: w.job?.origin,
    };
  }
  if (ui.screen === 'jobs') {
    const j = selectedJob(ui, model);
    return j
      ? {
          id: j.id,
          worker: j.workerName,
          description: j.description,
          status: j.status,
          queue: j.origin ?? model.jobs.queue,
        }
      : undefined;
  }
  if (ui.screen === 'detail' && ui.detail?.kind === 'job' && model.detailJob) {
    const d = model.detailJob;
    return { id: d.id, worker: d.workerName, description: d.description, status: d.status, queue: d.origin };
  }
  return undefined;
}

/** The worker an action is about: the selected row, or the worker whose detail is open. */
function targetWorker(ctx: ControllerContext): WorkerRow | undefined {
  const { ui, model } = ctx;
  if (ui.screen === 'workers') return selectedWorker(ui, model);
  if (ui.screen === 'detail' && ui.detail?.kind === 'worker') return ctx.workerNamed(ui.detail.name);
  return undefined;
}

function queueTarget(ctx: ControllerContext): string | undefined {
  if (ctx.ui.screen === 'queues') return selectedQueue(ctx.ui, ctx.model)?.name;
  if (ctx.ui.screen === 'jobs') return ctx.model.jobs.queue;
  return undefined;
}

export function handleAction(id: BindingId, ctx: ControllerContext): void {
  if (handleBulkKey(id, ctx)) return;
  const { ui, model } = ctx;
  const worker = targetWorker(ctx);
  const name = worker ? escapeControl(worker.name) : '';
  switch (id) {
    case 'action.killHorse': {
      if (!worker) return ctx.notify('No worker selected');
      if (worker.ghost)
        return ctx.notify(
          `${name} is a ghost entry (hash gone): nothing to kill; ${keyOf('action.removeGhost')} removes the entry`,
        );
      if (!worker.currentJobId)
        return ctx.notify(`${name} is ${escapeControl(worker.state)} with no job: there is no horse to kill`);
      return ask(ctx, id, {
        title: 'Kill the horse of this worker?',
        target: name,
        details: [
          `running job ${escapeControl(worker.currentJobId)}: ${escapeControl(worker.job?.description ?? '?')}`,
          'The job ends failed (or is retried if it has retries left); the worker carries on.',
        ],
        confirmLabel: 'Kill horse',
        command: { kind: 'killHorse', worker: worker.name, jobId: worker.currentJobId },
      });
    }
    case 'action.stopJob':
    case 'action.gracefulStop': {
      const job = jobTargetOfScreen(ctx);
      if (!job)
        return ctx.notify(
          ui.screen === 'workers' ? `${name || 'This worker'} runs no job` : 'No job selected',
        );
      if (job.status !== 'started')
        return ctx.notify(
          `Job ${escapeControl(job.id)} is ${escapeControl(job.status ?? '?')}, not running: nothing to stop`,
        );
      const on = `${escapeControl(job.description ?? '?')} on worker ${escapeControl(job.worker ?? '?')}`;
      const plainStop = (why?: string): void =>
        ask(ctx, id, {
          title: why ? 'No graceful stop there: stop this job at once?' : 'Stop this job?',
          target: `job ${escapeControl(job.id)}`,
          details: [
            on,
            ...(why ? [why] : []),
            'Its horse is killed; the job ends stopped, in the failed registry, never retried.',
          ],
          confirmLabel: 'Stop job',
          command: { kind: 'stopJob', jobId: job.id, worker: job.worker },
        });
      if (id === 'action.stopJob') return plainStop();
      // Only rqts horses hand the job an AbortSignal; Python RQ's can only be killed.
      if (job.worker && ctx.workerNamed(job.worker)?.rqts === false)
        return plainStop('Graceful stop is not available on Python RQ workers (they have no abort signal).');
      const grace = ctx.graceSeconds;
      return ask(ctx, id, {
        title: 'Stop this job gracefully?',
        target: `job ${escapeControl(job.id)}`,
        details: [
          on,
          `Its AbortSignal fires now; it has ${grace} s to wind up, then its horse is killed.`,
          'Either way the job ends stopped, in the failed registry, with what it did in its reason.',
        ],
        confirmLabel: 'Stop gracefully',
        command: { kind: 'stopJob', jobId: job.id, worker: job.worker, graceSeconds: grace },
      });
    }
    case 'action.shutdown': {
      if (!worker) return ctx.notify('No worker selected');
      if (worker.ghost)
        return ctx.notify(
          `${name} is a ghost entry: nobody can hear a shutdown; ${keyOf('action.removeGhost')} removes the entry`,
        );
      return ask(ctx, id, {
        title: 'Shut this worker down?',
        target: name,
        details: [
          ...(worker.currentJobId
            ? [
                `Busy with job ${escapeControl(worker.currentJobId)}: ${escapeControl(worker.job?.description ?? '?')}`,
                `running ${formatDuration(worker.jobElapsedSeconds)} of ${worker.jobTimeoutSeconds === undefined ? 'no limit' : `its ${formatDuration(worker.jobTimeoutSeconds)} limit`}; a warm shutdown waits for it to end, then exits.`,
              ]
            : [`It is ${escapeControl(worker.state)} with no job: it exits at once (warm shutdown).`]),
          ...(worker.flags.includes('deaf')
            ? [
                `It is DEAF (nobody listens on its command channel): it will not hear this; ${keyOf('action.removeGhost')} removes a dead worker.`,
              ]
            : worker.flags.includes('stale')
              ? ['Its heartbeat is STALE: it may be frozen and hear this only when it resumes.']
              : []),
        ],
        confirmLabel: 'Shut down',
        command: { kind: 'shutdown', worker: worker.name },
      });
    }
    case 'action.removeGhost': {
      if (!worker) return ctx.notify('No worker selected');
      if (!worker.ghost) {
        // Only a worker that looks dead: a healthy one is shut down (D), not erased.
        const dead = worker.flags.some((f) => f === 'dead' || f === 'stale' || f === 'deaf');
        if (!dead)
          return ctx.notify(
            `${name} looks alive (no DEAD, STALE-HB or DEAF flag): ${keyOf('action.shutdown')} shuts it down instead`,
          );
        const check = checkPid(worker.pid, worker.hostname);
        return ask(ctx, id, {
          title: 'Remove this dead worker?',
          target: name,
          details: [
            pidCheckText(check, worker.pid, worker.hostname),
            worker.currentJobId
              ? `Its job ${escapeControl(worker.currentJobId)} stays in the started registry, flagged ORPHANED (then ${keyOf('action.failOrphan')} or ${keyOf('action.requeue')}).`
              : 'It runs no job.',
            'Its hash and its entries in the worker sets are deleted.',
          ],
          confirmLabel: 'Remove',
          command: { kind: 'removeWorker', worker: worker.name, queues: worker.queues },
        });
      }
      return ask(ctx, id, {
        title: 'Remove this ghost entry?',
        target: name,
        details: ['It is listed in rq:workers but its hash is gone; this removes it from the worker sets.'],
        confirmLabel: 'Remove',
        command: { kind: 'removeGhost', worker: worker.name },
      });
    }
    case 'action.launch': {
      if (!ctx.canLaunch) return ctx.notify('Launching is not available in this console');
      const fromQueue = queueTarget(ctx);
      const queues =
        fromQueue ??
        (worker && !worker.ghost ? worker.queues.join(',') : undefined) ??
        model.queues[0]?.name ??
        'default';
      // A queue nobody serves is a backlog to drain: burst workers exit once it is empty.
      const noWorker =
        fromQueue !== undefined &&
        (model.queues.find((q) => q.name === fromQueue)?.flags.includes('no-worker') ?? false);
      ctx.detectPython();
      const { paths, serializer } = ctx.launchDefaults;
      return ctx.dispatch({
        type: 'openLayer',
        layer: {
          type: 'launch',
          draft: {
            kind: 'rqts',
            queues,
            count: '1',
            burst: noWorker,
            paths: paths.join(','),
            serializer,
            asPool: false,
            poolName: `console${process.pid}-pool`,
          },
          field: 'kind',
          error: undefined,
        },
      });
    }
    case 'action.failOrphan':
    case 'action.requeue': {
      const job = jobTargetOfScreen(ctx);
      if (!job) return ctx.notify('No job selected');
      const orphan = ctx.orphans.get(job.id);
      if (id === 'action.failOrphan' || (job.status === 'started' && orphan)) {
        if (!orphan)
          return ctx.notify(
            `Job ${escapeControl(job.id)} is not ORPHANED (${escapeControl(job.status ?? '?')}): ${keyOf('action.stopJob')} stops a running job`,
          );
        const fail = id === 'action.failOrphan';
        const why = ORPHAN_TEXT[orphan.reason];
        const reason = fail ? `orphaned: ${why}` : why;
        return ask(ctx, id, {
          title: fail ? 'Fail this orphaned job?' : 'Requeue this orphaned job at the front?',
          target: `job ${escapeControl(job.id)}`,
          details: [
            `${escapeControl(orphan.description ?? '?')} on ${escapeControl(orphan.queue)}: ${why}${orphan.workerName ? ` (${escapeControl(orphan.workerName)})` : ''}`,
            fail
              ? 'It leaves the started registry for the failed one in one step, with a result naming why.'
              : 'It leaves the started registry and goes back to the front of its queue in one step; it runs again.',
          ],
          confirmLabel: fail ? 'Fail job' : 'Requeue at front',
          command: fail
            ? { kind: 'failOrphan', queue: orphan.queue, jobId: job.id, worker: orphan.workerName, reason }
            : { kind: 'requeueOrphan', queue: orphan.queue, jobId: job.id, worker: orphan.workerName },
        });
      }
      if (job.status !== 'failed' && job.status !== 'stopped')
        return ctx.notify(
          `Job ${escapeControl(job.id)} is ${escapeControl(job.status ?? '?')}: only failed jobs can be requeued`,
        );
      if (!job.queue) return ctx.notify('The job names no queue');
      return ask(ctx, id, {
        title: 'Requeue this failed job?',
        target: `job ${escapeControl(job.id)}`,
        details: [
          `${escapeControl(job.description ?? '?')}: back to the end of ${escapeControl(job.queue)}.`,
        ],
        confirmLabel: 'Requeue',
        command: { kind: 'requeue', queue: job.queue, jobId: job.id },
      });
    }
    case 'action.requeueAll': {
      const queue = queueTarget(ctx);
      if (!queue) return ctx.notify('Select a queue first');
      const failed = model.queues.find((q) => q.name === queue)?.failed ?? 0;
      return ask(ctx, id, {
        title: 'Requeue every failed job of this queue?',
        target: `queue ${escapeControl(queue)}`,
        details: [`${failed} job${failed === 1 ? '' : 's'} go back to the queue and will run again.`],
        confirmLabel: 'Requeue all',
        command: { kind: 'requeueAll', queue },
      });
    }
    case 'action.emptyQueue': {
      const queue = queueTarget(ctx);
      if (!queue) return ctx.notify('Select a queue first');
      const queued = model.queues.find((q) => q.name === queue)?.queued ?? 0;
      return ask(ctx, id, {
        title: 'Empty this queue?',
        target: `queue ${escapeControl(queue)}`,
        details: [
          `Deletes its ${queued} queued job${queued === 1 ? '' : 's'}. Registries and running jobs are left alone.`,
        ],
        confirmLabel: 'Empty queue',
        command: { kind: 'emptyQueue', queue },
      });
    }
    case 'action.cleanRegistries': {
      const queue = queueTarget(ctx);
      if (!queue) return ctx.notify('Select a queue first');
      return ask(ctx, id, {
        title: "Clean this queue's registries now?",
        target: `queue ${escapeControl(queue)}`,
        details: [
          'As a worker maintenance does: started jobs past their deadline are failed as abandoned (or',
          'retried if they have retries left); expired entries and dead workers are dropped.',
        ],
        confirmLabel: 'Clean now',
        command: { kind: 'cleanRegistries', queue },
      });
    }
    case 'action.suspendToggle':
      if (model.suspended)
        return ask(ctx, id, {
          title: 'Resume all workers?',
          target: 'every worker on this Redis',
          details: ['They take new jobs again.'],
          confirmLabel: 'Resume',
          command: { kind: 'resume' },
        });
      return ask(ctx, id, {
        title: 'Suspend all workers?',
        target: 'every worker on this Redis',
        details: [
          `Running jobs finish; no new job starts until you resume (${keyOf('action.suspendToggle')} again). Burst workers exit.`,
        ],
        confirmLabel: 'Suspend',
        command: { kind: 'suspend' },
      });
    case 'action.nextStep': {
      const next = ctx.actions.latest()?.nextStep;
      if (!next) return ctx.notify('No next step on offer');
      return ask(ctx, id, {
        title: `Next step: ${next.label}?`,
        target: 'worker' in next.command && next.command.worker ? escapeControl(next.command.worker) : '',
        details: ['Offered because the previous command had no effect.'],
        confirmLabel: next.label,
        command: next.command,
      });
    }
    // Not actions (nothing changes in Redis), but like them they reach past the UI.
    case 'detail.pager':
      return ctx.openPager();
    case 'app.copy':
      return copyTarget(ctx);
    default:
      return;
  }
}

/** The selected job's id, or worker's or queue's name, to the clipboard. */
function copyTarget(ctx: ControllerContext): void {
  const { ui, model } = ctx;
  if (ui.screen === 'workers' || (ui.screen === 'detail' && ui.detail?.kind === 'worker')) {
    const w = targetWorker(ctx);
    return w ? ctx.copy(w.name, 'worker name') : ctx.notify('No worker selected');
  }
  if (ui.screen === 'queues') {
    const q = selectedQueue(ui, model);
    return q ? ctx.copy(q.name, 'queue name') : ctx.notify('No queue selected');
  }
  if (ui.screen === 'jobs') {
    const j = selectedJob(ui, model);
    return j ? ctx.copy(j.id, 'job id') : ctx.notify('No job selected');
  }
  if (ui.screen === 'detail' && ui.detail?.kind === 'job') return ctx.copy(ui.detail.id, 'job id');
}
