import { keyName, resolveKey, type BindingId, type KeyInfo } from './keymap.js';
import type { ActionCenter, Command } from './data/actions.js';
import { JOB_LIST_KINDS, type JobSummary } from './data/jobs.js';
import type { QueueRow, WorkerRow } from './data/derive.js';
import type { LogLine } from './data/local-workers.js';
import { WORKER_COLUMNS, QUEUE_COLUMNS } from './data/columns.js';
import { cycleSort } from './data/table.js';
import { resolveIndex, type Rows } from './data/selection.js';
import { escapeControl } from './text.js';
import { adjacentScreen, parseLaunchDraft, type ConfirmRequest, type Layer, type TableId, type UiAction, type UiState } from './ui-state.js';

// Turns one key press into UI transitions and commands. Keys are resolved through the
// keymap for the top layer only (a dialog, the filter prompt, or else the screen), so
// while a prompt is open the table's letter keys stay quiet.

export interface ConsoleModel {
  workers: WorkerRow[];
  queues: QueueRow[];
  jobs: { rows: JobSummary[]; offset: number; total: number; queue: string | undefined };
  logs: LogLine[];
  suspended: boolean;
  detailLineCount: number;
  helpLineCount: number;
  /** Status of the job open in the detail screen, when known. */
  detailJob: { id: string; status: string | undefined; origin: string | undefined; workerName: string | undefined; description: string | undefined } | undefined;
}

export interface ControllerContext {
  ui: UiState;
  dispatch: (action: UiAction) => void;
  model: ConsoleModel;
  bodyHeight: number;
  readOnly: boolean;
  actions: ActionCenter;
  canLaunch: boolean;
  launch: (spec: { queues: string[]; count: number; burst: boolean }) => void;
  refresh: () => void;
  notify: (text: string) => void;
  quit: () => void;
  stopLaunchedAndQuit: () => void;
  leaveLaunchedAndQuit: () => void;
}

export function rowsOf(table: TableId, model: ConsoleModel): Rows {
  switch (table) {
    case 'workers':
      return { keys: model.workers.map((w) => w.name) };
    case 'queues':
      return { keys: model.queues.map((q) => q.name) };
    case 'jobs':
      return { keys: model.jobs.rows.map((j) => j.id), offset: model.jobs.offset, total: Math.max(model.jobs.total, model.jobs.offset + model.jobs.rows.length) };
    case 'logs':
      return { keys: model.logs.map((l) => String(l.seq)) };
  }
}

export function selectedIndex(ui: UiState, table: TableId, model: ConsoleModel): number {
  if (table === 'logs' && ui.followLogs) return Math.max(0, model.logs.length - 1);
  return resolveIndex(ui.selection[table], rowsOf(table, model));
}

export function selectedWorker(ui: UiState, model: ConsoleModel): WorkerRow | undefined {
  return model.workers[selectedIndex(ui, 'workers', model)];
}

export function selectedQueue(ui: UiState, model: ConsoleModel): QueueRow | undefined {
  return model.queues[selectedIndex(ui, 'queues', model)];
}

export function selectedJob(ui: UiState, model: ConsoleModel): JobSummary | undefined {
  return model.jobs.rows[selectedIndex(ui, 'jobs', model) - model.jobs.offset];
}

function tableOf(screen: UiState['screen']): TableId | undefined {
  return screen === 'workers' || screen === 'queues' || screen === 'jobs' || screen === 'logs' ? screen : undefined;
}

const isText = (input: string, key: KeyInfo): boolean => input.length > 0 && !key.ctrl && !key.meta && !/[\u0000-\u001f\u007f]/.test(input);

/** What a single character of a burst means as a key. */
function keyOfChar(ch: string): { input: string; key: KeyInfo } {
  if (ch === '\r' || ch === '\n') return { input: '', key: { return: true } };
  if (ch === '\t') return { input: '', key: { tab: true } };
  if (ch === '\u007f' || ch === '\b') return { input: '', key: { backspace: true } };
  if (ch === '\u001b') return { input: '', key: { escape: true } };
  const code = ch.charCodeAt(0);
  if (code >= 1 && code <= 26) return { input: String.fromCharCode(code + 96), key: { ctrl: true } };
  return { input: ch, key: { shift: ch !== ch.toLowerCase() } };
}

/**
 * Entry point for Ink's input. A terminal may deliver several keys in one chunk (fast
 * typing, a paste, tmux): Ink then hands us the whole string, which we replay key by key,
 * each judged against the state the previous one produced.
 */
export function handleInput(input: string, key: KeyInfo, context: () => ControllerContext): void {
  const isBurst = input.length > 1 && keyName(input, key) === undefined && !key.ctrl && !key.meta && !input.startsWith('\u001b');
  if (!isBurst) return handleKey(input, key, context());
  for (const ch of input) {
    const single = keyOfChar(ch);
    handleKey(single.input, single.key, context());
  }
}

export function handleKey(input: string, key: KeyInfo, ctx: ControllerContext): void {
  const layer = ctx.ui.layer;
  const id = resolveKey(layer ? layer.type : ctx.ui.screen, input, key, { readOnly: ctx.readOnly });
  if (layer) return handleLayerKey(layer, id, input, key, ctx);
  if (id) handleScreenBinding(id, ctx);
}

function handleLayerKey(layer: Layer, id: BindingId | undefined, input: string, key: KeyInfo, ctx: ControllerContext): void {
  const { dispatch } = ctx;
  switch (layer.type) {
    case 'confirm':
      if (id === 'confirm.yes' || (id === 'confirm.activate' && layer.focus === 'confirm')) {
        dispatch({ type: 'closeLayer' });
        void ctx.actions.run(layer.request.command);
      } else if (id === 'confirm.no' || id === 'confirm.activate') dispatch({ type: 'closeLayer' });
      else if (id === 'confirm.focusNext') dispatch({ type: 'updateLayer', layer: { ...layer, focus: layer.focus === 'cancel' ? 'confirm' : 'cancel' } });
      return;
    case 'filter':
      if (id === 'input.submit') dispatch({ type: 'applyFilter', table: layer.table, filter: { text: layer.draft, regex: layer.regex } });
      else if (id === 'input.cancel') dispatch({ type: 'closeLayer' });
      else if (id === 'input.erase') dispatch({ type: 'updateLayer', layer: { ...layer, draft: layer.draft.slice(0, -1) } });
      else if (id === 'filter.toggleRegex') dispatch({ type: 'updateLayer', layer: { ...layer, regex: !layer.regex } });
      else if (isText(input, key)) dispatch({ type: 'updateLayer', layer: { ...layer, draft: layer.draft + input } });
      return;
    case 'launch': {
      const field = layer.field;
      if (id === 'input.submit') {
        const parsed = parseLaunchDraft(layer.draft);
        if ('error' in parsed) return dispatch({ type: 'updateLayer', layer: { ...layer, error: parsed.error } });
        dispatch({ type: 'closeLayer' });
        ctx.launch(parsed);
      } else if (id === 'input.cancel') dispatch({ type: 'closeLayer' });
      else if (id === 'input.nextField') dispatch({ type: 'updateLayer', layer: { ...layer, field: ((field + 1) % 3) as 0 | 1 | 2 } });
      else if (id === 'input.prevField') dispatch({ type: 'updateLayer', layer: { ...layer, field: ((field + 2) % 3) as 0 | 1 | 2 } });
      else if (field === 2) {
        if (isText(input, key)) dispatch({ type: 'updateLayer', layer: { ...layer, draft: { ...layer.draft, burst: !layer.draft.burst } } });
      } else {
        const name = field === 0 ? 'queues' : 'count';
        const value = layer.draft[name];
        if (id === 'input.erase') dispatch({ type: 'updateLayer', layer: { ...layer, error: undefined, draft: { ...layer.draft, [name]: value.slice(0, -1) } } });
        else if (isText(input, key)) dispatch({ type: 'updateLayer', layer: { ...layer, error: undefined, draft: { ...layer.draft, [name]: value + input } } });
      }
      return;
    }
    case 'quit':
      if (layer.phase === 'stopping') return;
      if (id === 'quit.stopWorkers') ctx.stopLaunchedAndQuit();
      else if (id === 'quit.leaveWorkers') ctx.leaveLaunchedAndQuit();
      else if (id === 'quit.cancel') dispatch({ type: 'closeLayer' });
      return;
  }
}

function confirm(ctx: ControllerContext, request: ConfirmRequest): void {
  ctx.dispatch({ type: 'openLayer', layer: { type: 'confirm', request, focus: 'cancel' } });
}

type Motion = 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom';

function move(ctx: ControllerContext, motion: Motion): void {
  const { ui, model, dispatch } = ctx;
  const page = Math.max(1, ctx.bodyHeight - 2);
  const delta = motion === 'up' ? -1 : motion === 'down' ? 1 : motion === 'pageUp' ? -page : motion === 'pageDown' ? page : 0;
  if (ui.screen === 'detail' || ui.screen === 'help') {
    const total = ui.screen === 'detail' ? model.detailLineCount : model.helpLineCount;
    const max = Math.max(0, total - ctx.bodyHeight);
    return dispatch({ type: 'scroll', screen: ui.screen, delta: motion === 'top' || motion === 'bottom' ? motion : delta, max });
  }
  const table = tableOf(ui.screen);
  if (!table) return;
  const rows = rowsOf(table, model);
  if (motion === 'top') return dispatch({ type: 'select', table, action: { type: 'top' }, rows });
  if (motion === 'bottom') return dispatch({ type: 'select', table, action: { type: 'bottom' }, rows });
  // Leaving follow mode in the logs: the cursor starts from the newest line.
  if (table === 'logs' && ui.followLogs) dispatch({ type: 'select', table, action: { type: 'bottom' }, rows });
  dispatch({ type: 'select', table, action: { type: 'move', delta }, rows });
}

function handleScreenBinding(id: BindingId, ctx: ControllerContext): void {
  const { ui, model, dispatch } = ctx;
  const table = tableOf(ui.screen);
  switch (id) {
    case 'nav.up':
      return move(ctx, 'up');
    case 'nav.down':
      return move(ctx, 'down');
    case 'nav.pageUp':
      return move(ctx, 'pageUp');
    case 'nav.pageDown':
      return move(ctx, 'pageDown');
    case 'nav.top':
      return move(ctx, 'top');
    case 'nav.bottom':
      return move(ctx, 'bottom');
    case 'nav.open': {
      if (ui.screen === 'workers') {
        const w = selectedWorker(ui, model);
        if (w) dispatch({ type: 'openDetail', target: { kind: 'worker', name: w.name } });
      } else if (ui.screen === 'queues') {
        const q = selectedQueue(ui, model);
        if (q) dispatch({ type: 'openJobs', queue: q.name });
      } else if (ui.screen === 'jobs') {
        const j = selectedJob(ui, model);
        if (j) dispatch({ type: 'openDetail', target: { kind: 'job', id: j.id } });
      }
      return;
    }
    case 'nav.back':
      if (table && ui.filters[table].text !== '') return dispatch({ type: 'applyFilter', table, filter: { text: '', regex: false } });
      if (ui.history.length > 0) return dispatch({ type: 'back' });
      if (ui.screen !== 'workers') dispatch({ type: 'go', screen: 'workers' });
      return;
    case 'nav.nextScreen':
    case 'nav.prevScreen':
      return goScreen(ctx, adjacentScreen(ui.screen === 'detail' ? 'jobs' : ui.screen, id === 'nav.nextScreen' ? 1 : -1));
    case 'screen.workers':
      return goScreen(ctx, 'workers');
    case 'screen.queues':
      return goScreen(ctx, 'queues');
    case 'screen.jobs':
      return goScreen(ctx, 'jobs');
    case 'screen.logs':
      return goScreen(ctx, 'logs');
    case 'screen.help':
      return goScreen(ctx, 'help');
    case 'jobs.prevRegistry':
    case 'jobs.nextRegistry': {
      const at = JOB_LIST_KINDS.indexOf(ui.jobs.kind);
      const step = id === 'jobs.nextRegistry' ? 1 : -1;
      return dispatch({ type: 'jobsKind', kind: JOB_LIST_KINDS[(at + step + JOB_LIST_KINDS.length) % JOB_LIST_KINDS.length] ?? 'queued' });
    }
    case 'table.filter':
      if (table) dispatch({ type: 'openLayer', layer: { type: 'filter', table, draft: ui.filters[table].text, regex: ui.filters[table].regex } });
      return;
    case 'table.sortNext':
    case 'table.sortPrev':
    case 'table.sortReverse': {
      if (ui.screen !== 'workers' && ui.screen !== 'queues') return;
      const sort = ui.sorts[ui.screen];
      const columns = ui.screen === 'workers' ? WORKER_COLUMNS : QUEUE_COLUMNS;
      const next = id === 'table.sortReverse' ? { ...sort, descending: !sort.descending } : cycleSort<never>(columns as never, sort, id === 'table.sortNext' ? 1 : -1);
      return dispatch({ type: 'sort', table: ui.screen, sort: next });
    }
    case 'app.refresh':
      return ctx.refresh();
    case 'app.quit':
      return ctx.quit();
    default:
      return handleAction(id, ctx);
  }
}

function goScreen(ctx: ControllerContext, screen: UiState['screen']): void {
  const { ui, model } = ctx;
  if (screen === 'jobs' && ui.jobs.queue === undefined) {
    const q = selectedQueue(ui, model) ?? model.queues[0];
    if (q) return ctx.dispatch({ type: 'openJobs', queue: q.name });
  }
  ctx.dispatch({ type: 'go', screen });
}

function jobTargetOfScreen(ctx: ControllerContext): { id: string; worker: string | undefined; description: string | undefined; status: string | undefined; queue: string | undefined } | undefined {
  const { ui, model } = ctx;
  if (ui.screen === 'workers') {
    const w = selectedWorker(ui, model);
    if (!w?.currentJobId) return undefined;
    return { id: w.currentJobId, worker: w.name, description: w.job?.description, status: w.job?.status ?? 'started', queue: w.job?.origin };
  }
  if (ui.screen === 'jobs') {
    const j = selectedJob(ui, model);
    return j ? { id: j.id, worker: j.workerName, description: j.description, status: j.status, queue: j.origin ?? model.jobs.queue } : undefined;
  }
  if (ui.screen === 'detail' && model.detailJob) {
    const d = model.detailJob;
    return { id: d.id, worker: d.workerName, description: d.description, status: d.status, queue: d.origin };
  }
  return undefined;
}

function queueTarget(ctx: ControllerContext): string | undefined {
  if (ctx.ui.screen === 'queues') return selectedQueue(ctx.ui, ctx.model)?.name;
  if (ctx.ui.screen === 'jobs') return ctx.model.jobs.queue;
  return undefined;
}

const DESTRUCTIVE: ReadonlySet<Command['kind']> = new Set(['killHorse', 'stopJob', 'shutdown', 'removeGhost', 'terminateLaunched', 'emptyQueue', 'requeueAll', 'suspend']);

function handleAction(id: BindingId, ctx: ControllerContext): void {
  const { ui, model } = ctx;
  const worker = ui.screen === 'workers' ? selectedWorker(ui, model) : undefined;
  const name = worker ? escapeControl(worker.name) : '';
  switch (id) {
    case 'action.killHorse': {
      if (!worker) return ctx.notify('No worker selected');
      if (worker.ghost) return ctx.notify(`${name} is a ghost entry (hash gone): nothing to kill; X removes the entry`);
      if (!worker.currentJobId) return ctx.notify(`${name} is ${escapeControl(worker.state)} with no job: there is no horse to kill`);
      return confirm(ctx, {
        title: 'Kill the horse of this worker?',
        target: name,
        details: [`running job ${escapeControl(worker.currentJobId)}: ${escapeControl(worker.job?.description ?? '?')}`, 'The job ends failed (or is retried if it has retries left); the worker carries on.'],
        confirmLabel: 'Kill horse',
        command: { kind: 'killHorse', worker: worker.name, jobId: worker.currentJobId },
      });
    }
    case 'action.stopJob': {
      const job = jobTargetOfScreen(ctx);
      if (!job) return ctx.notify(ui.screen === 'workers' ? `${name || 'This worker'} runs no job` : 'No job selected');
      if (job.status !== 'started') return ctx.notify(`Job ${escapeControl(job.id)} is ${escapeControl(job.status ?? '?')}, not running: nothing to stop`);
      return confirm(ctx, {
        title: 'Stop this job?',
        target: `job ${escapeControl(job.id)}`,
        details: [`${escapeControl(job.description ?? '?')} on worker ${escapeControl(job.worker ?? '?')}`, 'Its horse is killed; the job ends stopped, in the failed registry, never retried.'],
        confirmLabel: 'Stop job',
        command: { kind: 'stopJob', jobId: job.id, worker: job.worker },
      });
    }
    case 'action.shutdown': {
      if (!worker) return ctx.notify('No worker selected');
      if (worker.ghost) return ctx.notify(`${name} is a ghost entry: nobody can hear a shutdown; X removes the entry`);
      return confirm(ctx, {
        title: 'Shut this worker down?',
        target: name,
        details: [worker.currentJobId ? `Warm shutdown: it finishes job ${escapeControl(worker.currentJobId)} first, then exits.` : 'It is idle: it exits at once (warm shutdown).'],
        confirmLabel: 'Shut down',
        command: { kind: 'shutdown', worker: worker.name },
      });
    }
    case 'action.removeGhost': {
      if (!worker?.ghost) return ctx.notify(worker ? `${name} has a hash: only ghost entries can be removed (D shuts a worker down)` : 'No worker selected');
      return confirm(ctx, {
        title: 'Remove this ghost entry?',
        target: name,
        details: ['It is listed in rq:workers but its hash is gone; this removes it from the worker sets.'],
        confirmLabel: 'Remove',
        command: { kind: 'removeGhost', worker: worker.name },
      });
    }
    case 'action.launch': {
      if (!ctx.canLaunch) return ctx.notify('Launching is not available in this console');
      const queues = queueTarget(ctx) ?? (worker && !worker.ghost ? worker.queues.join(',') : undefined) ?? model.queues[0]?.name ?? 'default';
      return ctx.dispatch({ type: 'openLayer', layer: { type: 'launch', draft: { queues, count: '1', burst: false }, field: 0, error: undefined } });
    }
    case 'action.requeue': {
      const job = jobTargetOfScreen(ctx);
      if (!job) return ctx.notify('No job selected');
      if (job.status !== 'failed' && job.status !== 'stopped') return ctx.notify(`Job ${escapeControl(job.id)} is ${escapeControl(job.status ?? '?')}: only failed jobs can be requeued`);
      if (!job.queue) return ctx.notify('The job names no queue');
      void ctx.actions.run({ kind: 'requeue', queue: job.queue, jobId: job.id });
      return;
    }
    case 'action.requeueAll': {
      const queue = queueTarget(ctx);
      if (!queue) return ctx.notify('Select a queue first');
      const failed = model.queues.find((q) => q.name === queue)?.failed ?? 0;
      return confirm(ctx, {
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
      return confirm(ctx, {
        title: 'Empty this queue?',
        target: `queue ${escapeControl(queue)}`,
        details: [`Deletes its ${queued} queued job${queued === 1 ? '' : 's'}. Registries and running jobs are left alone.`],
        confirmLabel: 'Empty queue',
        command: { kind: 'emptyQueue', queue },
      });
    }
    case 'action.suspendToggle':
      if (model.suspended) {
        void ctx.actions.run({ kind: 'resume' });
        return;
      }
      return confirm(ctx, {
        title: 'Suspend all workers?',
        target: 'every worker on this Redis',
        details: ['Running jobs finish; no new job starts until you resume (P again). Burst workers exit.'],
        confirmLabel: 'Suspend',
        command: { kind: 'suspend' },
      });
    case 'action.nextStep': {
      const next = ctx.actions.latest()?.nextStep;
      if (!next) return ctx.notify('No next step on offer');
      if (!DESTRUCTIVE.has(next.command.kind)) {
        void ctx.actions.run(next.command);
        return;
      }
      return confirm(ctx, {
        title: `Next step: ${next.label}?`,
        target: 'worker' in next.command && next.command.worker ? escapeControl(next.command.worker) : '',
        details: ['Offered because the previous command had no effect.'],
        confirmLabel: next.label,
        command: next.command,
      });
    }
    default:
      return;
  }
}
