import type { ScreenId } from './keymap.js';
import type { Command } from './data/actions.js';
import type { JobListKind } from './data/jobs.js';
import type { WorkerKind } from './data/local-workers.js';
import {
  EMPTY_SELECTION,
  selectionReducer,
  type Rows,
  type Selection,
  type SelectionAction,
} from './data/selection.js';
import { NO_FILTER, type Filter, type SortState } from './data/table.js';
import { NO_MARKS, type Marks } from './data/marks.js';

// Screens, layers, cursors, filters and sorts: the console's UI state as one reducer,
// free of I/O (side effects run in the app, after a transition, never inside one).

export type TableId = 'workers' | 'queues' | 'jobs' | 'logs';
/** What `/` filters: the tables, and the event timeline (a text pane, no cursor). */
export type FilterTarget = TableId | 'events';

export interface ConfirmRequest {
  title: string;
  /** The thing acted on, named in full (escaped). */
  target: string;
  details: string[];
  confirmLabel: string;
  command: Command;
}

export interface LaunchDraft {
  /** What to start: rqts workers or Python RQ ones. */
  kind: WorkerKind;
  queues: string;
  count: string;
  burst: boolean;
  /** Import roots, comma separated: the console's own -P to begin with. */
  paths: string;
  serializer: string;
  /** One `rqts worker-pool` process of `count` workers instead of `count` processes. */
  asPool: boolean;
  poolName: string;
}

/** The launch dialog's fields, in tab order. */
export const LAUNCH_FIELDS = [
  'kind',
  'queues',
  'count',
  'burst',
  'paths',
  'serializer',
  'asPool',
  'poolName',
] as const;
export type LaunchField = (typeof LAUNCH_FIELDS)[number];

/** The fields toggled by a key rather than typed into. */
export const LAUNCH_TOGGLES: ReadonlySet<LaunchField> = new Set<LaunchField>(['kind', 'burst', 'asPool']);

/** A pool is rqts's (`rqts worker-pool`), and its name is asked only when launching one. */
export function launchFields(draft: LaunchDraft): readonly LaunchField[] {
  return LAUNCH_FIELDS.filter(
    (f) =>
      (f !== 'asPool' || draft.kind === 'rqts') &&
      (f !== 'poolName' || (draft.asPool && draft.kind === 'rqts')),
  );
}

export type Layer =
  | { type: 'confirm'; request: ConfirmRequest; focus: 'cancel' | 'confirm' }
  | {
      type: 'filter';
      table: FilterTarget;
      draft: string;
      regex: boolean;
      /** The `:` prompt: a job id to find, not a filter. */
      find?: boolean;
      /** The M prompt: a regular expression over failed jobs' errors, to requeue them. */
      errorRegex?: boolean;
      /** The M prompt's queue. */
      queue?: string;
    }
  | { type: 'launch'; draft: LaunchDraft; field: LaunchField; error: string | undefined }
  | { type: 'quit'; phase: 'ask' | 'stopping'; progress: string | undefined }
  /** The sort prompt (`s`): a letter picks the column of this table. */
  | { type: 'sort'; table: 'workers' | 'queues' | 'jobs' }
  /** The context switcher (`@`): the cursor is an index into the contexts. */
  | { type: 'switcher'; cursor: number };

export type DetailTarget = { kind: 'job'; id: string } | { kind: 'worker'; name: string };

export interface UiState {
  screen: ScreenId;
  /** Screens to return to with Esc. */
  history: ScreenId[];
  layer: Layer | undefined;
  selection: Record<TableId, Selection>;
  filters: Record<FilterTarget, Filter>;
  /** Jobs: '' keeps the registry's order; a column sorts the rows held (a page, or a search's matches). */
  sorts: { workers: SortState; queues: SortState; jobs: SortState };
  jobs: { queue: string | undefined; kind: JobListKind };
  detail: DetailTarget | undefined;
  /** Scroll offsets of the text screens. */
  scroll: { detail: number; events: number; cron: number; help: number };
  /** Logs screen sticks to the newest line until the user scrolls up. */
  followLogs: boolean;
  /** Every column at full width, scrolled sideways, instead of fitting the terminal. */
  wide: boolean;
  /** Wide view: unpinned columns scrolled past, per table. */
  hscroll: { workers: number; queues: number };
  /** Workers screen: only the flagged ones. */
  flaggedOnly: boolean;
  /** Jobs screen: rows marked for a bulk action. */
  marks: Marks;
}

export const INITIAL_UI: UiState = {
  screen: 'workers',
  history: [],
  layer: undefined,
  selection: {
    workers: EMPTY_SELECTION,
    queues: EMPTY_SELECTION,
    jobs: EMPTY_SELECTION,
    logs: EMPTY_SELECTION,
  },
  filters: { workers: NO_FILTER, queues: NO_FILTER, jobs: NO_FILTER, logs: NO_FILTER, events: NO_FILTER },
  sorts: {
    workers: { column: 'name', descending: false },
    queues: { column: 'name', descending: false },
    jobs: { column: '', descending: false },
  },
  jobs: { queue: undefined, kind: 'queued' },
  detail: undefined,
  scroll: { detail: 0, events: 0, cron: 0, help: 0 },
  followLogs: true,
  wide: false,
  hscroll: { workers: 0, queues: 0 },
  flaggedOnly: false,
  marks: NO_MARKS,
};

export type UiAction =
  | { type: 'go'; screen: ScreenId }
  | { type: 'back' }
  | { type: 'select'; table: TableId; action: SelectionAction; rows: Rows }
  | { type: 'openDetail'; target: DetailTarget }
  | { type: 'openJobs'; queue: string; kind?: JobListKind }
  | { type: 'jobsKind'; kind: JobListKind }
  | { type: 'scroll'; screen: TextScreen; delta: number | 'top' | 'bottom'; max: number }
  | { type: 'follow'; on: boolean }
  | { type: 'sort'; table: 'workers' | 'queues' | 'jobs'; sort: SortState }
  | { type: 'openLayer'; layer: Layer }
  | { type: 'updateLayer'; layer: Layer }
  | { type: 'closeLayer' }
  | { type: 'applyFilter'; table: FilterTarget; filter: Filter }
  | { type: 'toggleWide' }
  | { type: 'toggleFlagged' }
  | { type: 'home' }
  | { type: 'marks'; marks: Marks }
  | { type: 'hscroll'; table: 'workers' | 'queues'; delta: number; max: number };

/** The screens that scroll as text rather than move a table cursor. */
export type TextScreen = 'detail' | 'events' | 'cron' | 'help';

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'go':
      if (action.screen === state.screen) return state;
      return { ...state, screen: action.screen, history: [...state.history.slice(-19), state.screen] };
    case 'back': {
      const previous = state.history[state.history.length - 1];
      if (!previous) return state;
      return { ...state, screen: previous, history: state.history.slice(0, -1) };
    }
    case 'select': {
      const next = selectionReducer(state.selection[action.table], action.action, action.rows);
      const followLogs =
        action.table === 'logs'
          ? next.index >= (action.rows.total ?? action.rows.keys.length) - 1
          : state.followLogs;
      return { ...state, selection: { ...state.selection, [action.table]: next }, followLogs };
    }
    case 'openDetail':
      return {
        ...state,
        detail: action.target,
        scroll: { ...state.scroll, detail: 0 },
        screen: 'detail',
        history: [...state.history.slice(-19), state.screen],
      };
    case 'openJobs':
      return {
        ...state,
        jobs: { queue: action.queue, kind: action.kind ?? state.jobs.kind },
        selection: { ...state.selection, jobs: EMPTY_SELECTION },
        marks: NO_MARKS,
        screen: 'jobs',
        history: state.screen === 'jobs' ? state.history : [...state.history.slice(-19), state.screen],
      };
    case 'jobsKind':
      return {
        ...state,
        jobs: { ...state.jobs, kind: action.kind },
        selection: { ...state.selection, jobs: EMPTY_SELECTION },
        marks: NO_MARKS,
      };
    case 'scroll': {
      const current = state.scroll[action.screen];
      const next =
        action.delta === 'top'
          ? 0
          : action.delta === 'bottom'
            ? action.max
            : Math.max(0, Math.min(action.max, current + action.delta));
      return { ...state, scroll: { ...state.scroll, [action.screen]: next } };
    }
    case 'follow':
      return { ...state, followLogs: action.on };
    case 'sort':
      return { ...state, sorts: { ...state.sorts, [action.table]: action.sort } };
    case 'openLayer':
    case 'updateLayer':
      return { ...state, layer: action.layer };
    case 'closeLayer':
      return { ...state, layer: undefined };
    case 'toggleWide':
      return { ...state, wide: !state.wide };
    case 'toggleFlagged':
      return {
        ...state,
        flaggedOnly: !state.flaggedOnly,
        selection: { ...state.selection, workers: { ...state.selection.workers, index: 0 } },
      };
    case 'marks':
      return { ...state, marks: action.marks };
    case 'home':
      return state.screen === 'workers' ? state : { ...state, screen: 'workers', history: [] };
    case 'hscroll': {
      const next = Math.max(0, Math.min(action.max, state.hscroll[action.table] + action.delta));
      return { ...state, hscroll: { ...state.hscroll, [action.table]: next } };
    }
    case 'applyFilter':
      return {
        ...state,
        // "All matching" meant the old filter's matches.
        marks: action.table === 'jobs' && state.marks.all ? NO_MARKS : state.marks,
        layer: undefined,
        filters: { ...state.filters, [action.table]: action.filter },
        ...(action.table === 'events'
          ? { scroll: { ...state.scroll, events: 0 } }
          : {
              selection: {
                ...state.selection,
                [action.table]: { ...state.selection[action.table], index: 0 },
              },
            }),
      };
  }
}

/** Tab order of the screens. */
export const TAB_ORDER: readonly ScreenId[] = ['workers', 'queues', 'jobs', 'logs', 'events', 'cron', 'help'];

export function adjacentScreen(screen: ScreenId, step: 1 | -1): ScreenId {
  const at = TAB_ORDER.indexOf(screen);
  const from = at < 0 ? 0 : at;
  return TAB_ORDER[(from + step + TAB_ORDER.length) % TAB_ORDER.length] ?? 'workers';
}

export interface ParsedLaunch {
  kind: WorkerKind;
  queues: string[];
  count: number;
  burst: boolean;
  paths: string[];
  serializer: string;
  pool?: string;
}

/** Parses the launch dialog; returns an error line for bad input. */
export function parseLaunchDraft(draft: LaunchDraft): ParsedLaunch | { error: string } {
  const queues = draft.queues
    .split(/[\s,]+/)
    .map((q) => q.trim())
    .filter(Boolean);
  if (queues.length === 0) return { error: 'Name at least one queue (comma or space separated)' };
  const count = Number(draft.count);
  if (!Number.isInteger(count) || count < 1 || count > 50)
    return { error: 'How many: a whole number from 1 to 50' };
  // Paths may hold spaces, so only commas separate them.
  const paths = draft.paths
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const serializer = draft.serializer.trim();
  if (serializer === '') return { error: 'Serializer: a name such as rq.serializers.JSONSerializer' };
  const spec = { kind: draft.kind, queues, count, burst: draft.burst, paths, serializer };
  if (!draft.asPool || draft.kind !== 'rqts') return spec;
  const pool = draft.poolName.trim();
  // It names the pool's log file and prefixes its workers' names, so keep it plain.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(pool))
    return { error: 'Pool name: letters, digits, dot, dash or underscore (e.g. web-pool)' };
  return { ...spec, pool };
}
