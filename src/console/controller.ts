import { bindingOf, keyName, resolveKey, type BindingId, type KeyInfo } from './keymap.js';
import { JOB_LIST_KINDS } from './data/jobs.js';
import { sortColumns, WORKER_COLUMNS, QUEUE_COLUMNS } from './data/columns.js';
import { cycleSort, sortLetters } from './data/table.js';
import { maxScroll } from './data/layout.js';
import { handleAction } from './action-keys.js';
import { submitErrorRegex } from './bulk-keys.js';
import { hasMarks, NO_MARKS } from './data/marks.js';
import { escapeControl, hasControlCharacter } from './text.js';
import { rowsOf, selectedJob, selectedQueue, selectedWorker } from './selectors.js';
import {
  adjacentScreen,
  launchFields,
  parseLaunchDraft,
  type Layer,
  type FilterTarget,
  type TableId,
  type UiAction,
  type UiState,
} from './ui-state.js';

import type { ControllerContext } from './controller-context.js';

export type { ConsoleModel } from './selectors.js';
// What every key handler is given; in its own file, so the handlers need not import this one.
export type { ControllerContext } from './controller-context.js';

// Turns one key press into UI transitions and commands. Keys are resolved through the
// keymap for the top layer only (a dialog, the filter prompt, or else the screen), so
// while a prompt is open the table's letter keys stay quiet.

function tableOf(screen: UiState['screen']): TableId | undefined {
  return screen === 'workers' || screen === 'queues' || screen === 'jobs' || screen === 'logs'
    ? screen
    : undefined;
}

function filterTargetOf(screen: UiState['screen']): FilterTarget | undefined {
  return screen === 'events' ? 'events' : tableOf(screen);
}

const isText = (input: string, key: KeyInfo): boolean =>
  input.length > 0 && !key.ctrl && !key.meta && !hasControlCharacter(input);

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
  const isBurst =
    input.length > 1 &&
    keyName(input, key) === undefined &&
    !key.ctrl &&
    !key.meta &&
    !input.startsWith('\u001b');
  if (!isBurst) return handleKey(input, key, context());
  for (const ch of input) {
    const single = keyOfChar(ch);
    handleKey(single.input, single.key, context());
  }
}

export function handleKey(input: string, key: KeyInfo, context: ControllerContext): void {
  const ctx = namingTheContext(context);
  const layer = ctx.ui.layer;
  const id = resolveKey(layer ? layer.type : ctx.ui.screen, input, key, { readOnly: ctx.readOnly });
  if (layer) return handleLayerKey(layer, id, input, key, ctx);
  // Launching needs no Redis answer now (a worker waits for it); every other action does.
  if (id && ctx.redisUnreachable && bindingOf(id).action && id !== 'action.launch')
    return ctx.notify(
      `Redis unreachable: nothing sent (${keyName(input, key) ?? input} works again once it answers)`,
    );
  if (id) return handleScreenBinding(id, ctx);
  // In --read-only an action key does nothing: say so rather than stay silent.
  if (ctx.readOnly && resolveKey(ctx.ui.screen, input, key) !== undefined)
    ctx.notify(`read-only: ${keyName(input, key) ?? input} is disabled`);
}

/**
 * With several contexts, every confirmation says which Redis it acts on ("Kill the horse of
 * this worker on prod?"): whichever key opened it (action keys, bulk keys, the next step).
 */
function namingTheContext(ctx: ControllerContext): ControllerContext {
  const name = ctx.contexts?.state.active;
  if (name === undefined) return ctx;
  const dispatch = (action: UiAction): void => {
    if (action.type !== 'openLayer' || action.layer.type !== 'confirm') return ctx.dispatch(action);
    const request = action.layer.request;
    const title = `${request.title.replace(/\?$/, '')} on ${escapeControl(name)}?`;
    ctx.dispatch({ ...action, layer: { ...action.layer, request: { ...request, title } } });
  };
  return { ...ctx, dispatch };
}

function handleLayerKey(
  layer: Layer,
  id: BindingId | undefined,
  input: string,
  key: KeyInfo,
  ctx: ControllerContext,
): void {
  const { dispatch } = ctx;
  switch (layer.type) {
    case 'sort': {
      if (id === 'input.cancel') return dispatch({ type: 'closeLayer' });
      const picked = sortLetters(sortColumns(layer.table, ctx.ui.jobs.kind)).find((k) => k.letter === input);
      if (!picked) return;
      const sort = ctx.ui.sorts[layer.table];
      dispatch({ type: 'closeLayer' });
      return dispatch({
        type: 'sort',
        table: layer.table,
        sort: { column: picked.id, descending: sort.column === picked.id ? !sort.descending : false },
      });
    }
    case 'confirm':
      if (id === 'confirm.yes' || (id === 'confirm.activate' && layer.focus === 'confirm')) {
        dispatch({ type: 'closeLayer' });
        // The marks were what the bulk action acts on: done with them.
        if (layer.request.command.kind === 'bulk') dispatch({ type: 'marks', marks: NO_MARKS });
        void ctx.actions.run(layer.request.command);
      } else if (id === 'confirm.no' || id === 'confirm.activate') dispatch({ type: 'closeLayer' });
      else if (id === 'confirm.focusNext')
        dispatch({
          type: 'updateLayer',
          layer: { ...layer, focus: layer.focus === 'cancel' ? 'confirm' : 'cancel' },
        });
      return;
    case 'filter':
      if (id === 'input.submit' && layer.errorRegex) {
        dispatch({ type: 'closeLayer' });
        if (layer.queue) submitErrorRegex(ctx, layer.queue, layer.draft);
      } else if (id === 'input.submit' && layer.find) {
        const jobId = layer.draft.trim();
        dispatch({ type: 'closeLayer' });
        if (jobId !== '') dispatch({ type: 'openDetail', target: { kind: 'job', id: jobId } });
      } else if (id === 'input.submit')
        dispatch({
          type: 'applyFilter',
          table: layer.table,
          filter: { text: layer.draft, regex: layer.regex },
        });
      else if (id === 'input.cancel') dispatch({ type: 'closeLayer' });
      else if (id === 'input.erase')
        dispatch({ type: 'updateLayer', layer: { ...layer, draft: layer.draft.slice(0, -1) } });
      else if (id === 'filter.toggleRegex')
        dispatch({ type: 'updateLayer', layer: { ...layer, regex: !layer.regex } });
      else if (isText(input, key))
        dispatch({ type: 'updateLayer', layer: { ...layer, draft: layer.draft + input } });
      return;
    case 'launch': {
      const field = layer.field;
      const fields = launchFields(layer.draft);
      const step = (by: 1 | -1): Layer => ({
        ...layer,
        field: fields[(fields.indexOf(field) + by + fields.length) % fields.length] ?? 'kind',
      });
      if (id === 'input.submit') {
        const parsed = parseLaunchDraft(layer.draft);
        if ('error' in parsed)
          return dispatch({ type: 'updateLayer', layer: { ...layer, error: parsed.error } });
        dispatch({ type: 'closeLayer' });
        ctx.launch(parsed);
      } else if (id === 'input.cancel') dispatch({ type: 'closeLayer' });
      else if (id === 'input.nextField') dispatch({ type: 'updateLayer', layer: step(1) });
      else if (id === 'input.prevField') dispatch({ type: 'updateLayer', layer: step(-1) });
      else if (field === 'kind') {
        if (!isText(input, key)) return;
        const python = ctx.pythonRq;
        if (layer.draft.kind === 'rqts' && python.status !== 'available')
          return dispatch({
            type: 'updateLayer',
            layer: {
              ...layer,
              error:
                python.status === 'missing'
                  ? `Python RQ workers cannot be launched: ${python.details}`
                  : 'Still looking for Python RQ; try again in a moment',
            },
          });
        dispatch({
          type: 'updateLayer',
          layer: {
            ...layer,
            error: undefined,
            draft: { ...layer.draft, kind: layer.draft.kind === 'rqts' ? 'python' : 'rqts' },
          },
        });
      } else if (field === 'burst' || field === 'asPool') {
        if (isText(input, key))
          dispatch({
            type: 'updateLayer',
            layer: { ...layer, error: undefined, draft: { ...layer.draft, [field]: !layer.draft[field] } },
          });
      } else {
        const name = field;
        const value = layer.draft[name];
        if (id === 'input.erase')
          dispatch({
            type: 'updateLayer',
            layer: { ...layer, error: undefined, draft: { ...layer.draft, [name]: value.slice(0, -1) } },
          });
        else if (isText(input, key))
          dispatch({
            type: 'updateLayer',
            layer: { ...layer, error: undefined, draft: { ...layer.draft, [name]: value + input } },
          });
      }
      return;
    }
    case 'switcher': {
      const names = ctx.contexts?.state.summaries.map((c) => c.name) ?? [];
      if (id === 'switcher.up' || id === 'switcher.down') {
        const by = id === 'switcher.up' ? -1 : 1;
        const cursor = (layer.cursor + by + names.length) % Math.max(1, names.length);
        return dispatch({ type: 'updateLayer', layer: { ...layer, cursor } });
      }
      if (id === 'switcher.cancel') return dispatch({ type: 'closeLayer' });
      if (id === 'switcher.switch') {
        const name = names[layer.cursor];
        dispatch({ type: 'closeLayer' });
        if (name !== undefined && name !== ctx.contexts?.state.active) ctx.contexts?.switchTo(name);
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

type Motion = 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom';

function move(ctx: ControllerContext, motion: Motion): void {
  const { ui, model, dispatch } = ctx;
  const page = Math.max(1, ctx.bodyHeight - 2);
  const delta =
    motion === 'up'
      ? -1
      : motion === 'down'
        ? 1
        : motion === 'pageUp'
          ? -page
          : motion === 'pageDown'
            ? page
            : 0;
  if (ui.screen === 'detail' || ui.screen === 'help' || ui.screen === 'events' || ui.screen === 'cron') {
    const total =
      ui.screen === 'detail'
        ? model.detailLineCount
        : ui.screen === 'help'
          ? model.helpLineCount
          : ui.screen === 'cron'
            ? model.cronLineCount
            : model.eventLineCount;
    const max = Math.max(0, total - ctx.bodyHeight);
    return dispatch({
      type: 'scroll',
      screen: ui.screen,
      delta: motion === 'top' || motion === 'bottom' ? motion : delta,
      max,
    });
  }
  const table = tableOf(ui.screen);
  if (!table) return;
  const rows = rowsOf(table, model);
  if (motion === 'top') return dispatch({ type: 'select', table, action: { type: 'top' }, rows });
  if (motion === 'bottom') return dispatch({ type: 'select', table, action: { type: 'bottom' }, rows });
  // Leaving follow mode in the logs: the cursor starts from the newest line.
  if (table === 'logs' && ui.followLogs)
    dispatch({ type: 'select', table, action: { type: 'bottom' }, rows });
  dispatch({ type: 'select', table, action: { type: 'move', delta }, rows });
}

function handleScreenBinding(id: BindingId, ctx: ControllerContext): void {
  const { ui, model, dispatch } = ctx;
  const table = tableOf(ui.screen);
  const filtered = filterTargetOf(ui.screen);
  switch (id) {
    case 'nav.up':
      return move(ctx, 'up');
    case 'nav.down':
      return move(ctx, 'down');
    case 'nav.pageUp':
      return move(ctx, 'pageUp');
    case 'nav.pageDown':
    case 'nav.pageDownSpace':
      return move(ctx, 'pageDown');
    case 'nav.top':
      return move(ctx, 'top');
    case 'nav.bottom':
      return move(ctx, 'bottom');
    case 'nav.open': {
      // Worker detail: Enter opens the job it is running.
      if (ui.screen === 'detail' && ui.detail?.kind === 'worker') {
        const jobId = ctx.workerNamed(ui.detail.name)?.currentJobId;
        if (!jobId) return ctx.notify(`${escapeControl(ui.detail.name)} runs no job`);
        return dispatch({ type: 'openDetail', target: { kind: 'job', id: jobId } });
      }
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
      // Always one step nearer home, never a bounce between two screens: the filter,
      // then the detail back to where it was opened, then the workers screen.
      // A running bulk action stops first (its receipt says how far it got).
      if (ctx.actions.cancelBulk()) return;
      if (table === 'jobs' && model.search?.phase === 'running') return ctx.cancelSearch();
      if (table === 'jobs' && hasMarks(ui.marks)) return dispatch({ type: 'marks', marks: NO_MARKS });
      if (filtered && ui.filters[filtered].text !== '')
        return dispatch({ type: 'applyFilter', table: filtered, filter: { text: '', regex: false } });
      if (table === 'workers' && ui.flaggedOnly) return dispatch({ type: 'toggleFlagged' });
      if ((ui.screen === 'detail' || ui.screen === 'help') && ui.history.length > 0)
        return dispatch({ type: 'back' });
      return dispatch({ type: 'home' });
    case 'nav.nextScreen':
    case 'nav.prevScreen':
      return goScreen(
        ctx,
        adjacentScreen(ui.screen === 'detail' ? 'jobs' : ui.screen, id === 'nav.nextScreen' ? 1 : -1),
      );
    case 'screen.workers':
      return goScreen(ctx, 'workers');
    case 'screen.queues':
      return goScreen(ctx, 'queues');
    case 'screen.jobs':
      return goScreen(ctx, 'jobs');
    case 'screen.logs':
      return goScreen(ctx, 'logs');
    case 'screen.events':
      return goScreen(ctx, 'events');
    case 'screen.cron':
      return goScreen(ctx, 'cron');
    case 'screen.help':
      return goScreen(ctx, 'help');
    case 'jobs.prevRegistry':
    case 'jobs.nextRegistry': {
      const at = JOB_LIST_KINDS.indexOf(ui.jobs.kind);
      const step = id === 'jobs.nextRegistry' ? 1 : -1;
      return dispatch({
        type: 'jobsKind',
        kind: JOB_LIST_KINDS[(at + step + JOB_LIST_KINDS.length) % JOB_LIST_KINDS.length] ?? 'queued',
      });
    }
    case 'table.filter':
      // The prompt opens empty (the active filter is shown beside it): typing replaces it.
      if (filtered)
        dispatch({
          type: 'openLayer',
          layer: { type: 'filter', table: filtered, draft: '', regex: ui.filters[filtered].regex },
        });
      return;
    case 'app.find':
      return dispatch({
        type: 'openLayer',
        layer: { type: 'filter', table: 'jobs', draft: '', regex: false, find: true },
      });
    case 'table.flaggedOnly':
      return dispatch({ type: 'toggleFlagged' });
    case 'table.sortPrompt':
      if (ui.screen === 'workers' || ui.screen === 'queues' || ui.screen === 'jobs')
        dispatch({ type: 'openLayer', layer: { type: 'sort', table: ui.screen } });
      return;
    case 'table.sortNext':
    case 'table.sortPrev':
    case 'table.sortReverse': {
      if (ui.screen !== 'workers' && ui.screen !== 'queues' && ui.screen !== 'jobs') return;
      const sort = ui.sorts[ui.screen];
      const columns = sortColumns(ui.screen, ui.jobs.kind);
      const next =
        id === 'table.sortReverse'
          ? { ...sort, descending: !sort.descending }
          : cycleSort<never>(columns, sort, id === 'table.sortNext' ? 1 : -1);
      return dispatch({ type: 'sort', table: ui.screen, sort: next });
    }
    case 'table.wide':
      return dispatch({ type: 'toggleWide' });
    case 'table.scrollLeft':
    case 'table.scrollRight': {
      if (!ui.wide || (ui.screen !== 'workers' && ui.screen !== 'queues')) return;
      const columns = ui.screen === 'workers' ? WORKER_COLUMNS : QUEUE_COLUMNS;
      return dispatch({
        type: 'hscroll',
        table: ui.screen,
        delta: id === 'table.scrollRight' ? 1 : -1,
        max: maxScroll(columns),
      });
    }
    case 'app.refresh':
      return ctx.refresh();
    case 'app.freeze':
      return ctx.toggleFreeze();
    case 'app.contexts': {
      const contexts = ctx.contexts;
      if (!contexts)
        return ctx.notify('One Redis only: give several -u URL (or CONSOLE_CONTEXTS) to switch between them');
      const at = contexts.state.summaries.findIndex((c) => c.name === contexts.state.active);
      return dispatch({ type: 'openLayer', layer: { type: 'switcher', cursor: Math.max(0, at) } });
    }
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
