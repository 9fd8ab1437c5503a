import type { ControllerContext } from './controller-context.js';
import { keyOf, type BindingId } from './keymap.js';
import { ask } from './ask.js';
import { rowsOf, selectedJob, selectedQueue } from './selectors.js';
import { escapeControl } from './text.js';
import { opAllowed, type BulkCommand, type BulkOp, type BulkSelection } from './data/bulk.js';
import { hasMarks, markAll, toggleMark } from './data/marks.js';
import type { JobListKind } from './data/jobs.js';

// The jobs screen's marks and bulk actions (keys in the keymap): mark one or every
// matching job, then requeue, fail or delete the marked set (each confirmation names how
// many and where), delete a single job, empty a failed registry, requeue the failed jobs
// whose error matches.

const listName = (list: JobListKind, queue: string): string =>
  list === 'queued' ? `queue ${escapeControl(queue)}` : `the ${list} registry of ${escapeControl(queue)}`;

const OP_WORDS: Record<BulkOp, { title: string; label: string; effect: string }> = {
  requeue: {
    title: 'Requeue',
    label: 'Requeue',
    effect: 'They go back to the end of their queue as queued and will run again.',
  },
  fail: {
    title: 'Move to failed',
    label: 'Move to failed',
    effect: 'They leave their list for the failed registry, status failed, with a result naming why.',
  },
  delete: {
    title: 'Delete',
    label: 'Delete',
    effect:
      'Each leaves its list and its hash, results and dependency keys are deleted, as RQ deletes a job.',
  },
};

function confirmBulk(
  ctx: ControllerContext,
  id: BindingId,
  command: BulkCommand,
  what: string,
  extra: string[] = [],
): void {
  const words = OP_WORDS[command.op];
  ask(ctx, id, {
    title: `${words.title} ${what}?`,
    target: listName(command.list, command.queue),
    details: [
      ...extra,
      words.effect,
      `Each job moves in one atomic step; the status line counts them and ${keyOf('nav.back')} stops between chunks.`,
    ],
    confirmLabel: words.label,
    command,
  });
}

function markedSelection(ctx: ControllerContext): { select: BulkSelection; what: string } | undefined {
  const { marks } = ctx.ui;
  if (!hasMarks(marks)) return undefined;
  if (marks.all !== undefined) {
    const total = ctx.model.jobs.total;
    return {
      select: { kind: 'all', filter: marks.all },
      what: marks.all.text
        ? `every job matching /${escapeControl(marks.all.text)}/`
        : `all ${total.toLocaleString('en-US')} jobs`,
    };
  }
  const n = marks.ids.length;
  return { select: { kind: 'ids', ids: marks.ids }, what: `${n} marked job${n === 1 ? '' : 's'}` };
}

/** Handles a bulk key; false leaves the key to the single-job actions. */
export function handleBulkKey(id: BindingId, ctx: ControllerContext): boolean {
  const { ui, model, dispatch } = ctx;
  const queue = ui.screen === 'jobs' ? model.jobs.queue : undefined;
  const list = ui.jobs.kind;
  switch (id) {
    case 'jobs.mark': {
      const job = selectedJob(ui, model);
      if (!job || !queue) return true;
      if (ui.marks.all !== undefined) {
        ctx.notify(
          `Every matching job is marked: ${keyOf('jobs.markAll')} unmarks them, then ${keyOf('jobs.mark')} marks one by one`,
        );
        return true;
      }
      dispatch({ type: 'marks', marks: toggleMark(ui.marks, queue, list, job.id) });
      dispatch({
        type: 'select',
        table: 'jobs',
        action: { type: 'move', delta: 1 },
        rows: rowsOf('jobs', model),
      });
      return true;
    }
    case 'jobs.markAll':
      if (!queue) return true;
      dispatch({
        type: 'marks',
        marks:
          ui.marks.all !== undefined
            ? { ...ui.marks, all: undefined, ids: [] }
            : markAll(queue, list, ui.filters.jobs),
      });
      return true;
    case 'action.requeue':
    case 'action.failOrphan':
    case 'action.deleteJobs': {
      const op: BulkOp = id === 'action.requeue' ? 'requeue' : id === 'action.failOrphan' ? 'fail' : 'delete';
      const marked = ui.screen === 'jobs' ? markedSelection(ctx) : undefined;
      if (!marked) {
        if (id !== 'action.deleteJobs') return false;
        return deleteOne(ctx, id);
      }
      if (!queue) return true;
      if (!opAllowed(op, list)) {
        ctx.notify(
          list === 'started'
            ? `Started jobs belong to their workers: ${keyOf('action.stopJob')} stops one, ${keyOf('action.failOrphan')} fails an ORPHANED one`
            : `Jobs of the ${list} list cannot be ${op === 'requeue' ? 'requeued' : 'moved to failed'}`,
        );
        return true;
      }
      confirmBulk(ctx, id, { kind: 'bulk', op, queue, list, select: marked.select }, marked.what);
      return true;
    }
    case 'action.emptyFailed':
    case 'action.requeueMatching': {
      const target = queue ?? (ui.screen === 'queues' ? selectedQueue(ui, model)?.name : undefined);
      if (!target) {
        ctx.notify('Select a queue first');
        return true;
      }
      if (id === 'action.requeueMatching') {
        dispatch({
          type: 'openLayer',
          layer: { type: 'filter', table: 'jobs', draft: '', regex: true, errorRegex: true, queue: target },
        });
        return true;
      }
      const failed = model.queues.find((q) => q.name === target)?.failed ?? 0;
      confirmBulk(
        ctx,
        id,
        {
          kind: 'bulk',
          op: 'delete',
          queue: target,
          list: 'failed',
          select: { kind: 'all', filter: { text: '', regex: false } },
        },
        'every failed job',
        [`${failed.toLocaleString('en-US')} failed job${failed === 1 ? '' : 's'} listed now.`],
      );
      return true;
    }
    default:
      return false;
  }
}

/** The M prompt's answer: confirm requeueing the failed jobs whose error matches. */
export function submitErrorRegex(ctx: ControllerContext, queue: string, pattern: string): void {
  if (pattern.trim() === '') return ctx.notify('No regular expression given: nothing requeued');
  try {
    new RegExp(pattern);
  } catch (error) {
    return ctx.notify(`Bad regular expression: ${escapeControl((error as Error).message)}`);
  }
  confirmBulk(
    ctx,
    'action.requeueMatching',
    { kind: 'bulk', op: 'requeue', queue, list: 'failed', select: { kind: 'errorMatches', pattern } },
    `every failed job whose error matches /${escapeControl(pattern)}/`,
    ['Matched against each job’s latest error, its whole traceback (case-sensitive).'],
  );
}

function deleteOne(ctx: ControllerContext, id: BindingId): boolean {
  const { ui, model } = ctx;
  const job = selectedJob(ui, model);
  const queue = model.jobs.queue;
  if (!job || !queue) {
    ctx.notify('No job selected');
    return true;
  }
  if (ui.jobs.kind === 'started') {
    ctx.notify(
      `Job ${escapeControl(job.id)} is running: ${keyOf('action.stopJob')} stops it (${keyOf('action.failOrphan')} fails it if ORPHANED), then ${keyOf(id)} deletes it`,
    );
    return true;
  }
  confirmBulk(
    ctx,
    id,
    { kind: 'bulk', op: 'delete', queue, list: ui.jobs.kind, select: { kind: 'ids', ids: [job.id] } },
    `job ${escapeControl(job.id)}`,
    [escapeControl(job.description ?? '(no description)')],
  );
  return true;
}
