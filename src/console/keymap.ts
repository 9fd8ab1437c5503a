// The console's one table of key bindings. The footer, the help screen and the README
// table are all rendered from it, and views dispatch the ids it returns: nothing else
// in the console compares raw keys (a test checks every entry and every collision).

export type ScreenId = 'workers' | 'queues' | 'jobs' | 'detail' | 'logs' | 'events' | 'cron' | 'help';
/** Layers that sit on top of a screen and take every key while open. */
export type LayerId = 'confirm' | 'launch' | 'filter' | 'quit' | 'switcher' | 'sort';
export type Context = ScreenId | LayerId;

export const SCREENS: readonly ScreenId[] = [
  'workers',
  'queues',
  'jobs',
  'detail',
  'logs',
  'events',
  'cron',
  'help',
];
const TABLES: readonly ScreenId[] = ['workers', 'queues', 'jobs', 'logs'];
const SCROLLING: readonly ScreenId[] = [...TABLES, 'detail', 'events', 'cron', 'help'];

export type BindingId =
  | 'nav.up'
  | 'nav.down'
  | 'nav.pageUp'
  | 'nav.pageDown'
  | 'nav.pageDownSpace'
  | 'nav.top'
  | 'nav.bottom'
  | 'nav.open'
  | 'nav.back'
  | 'nav.nextScreen'
  | 'nav.prevScreen'
  | 'screen.workers'
  | 'screen.queues'
  | 'screen.jobs'
  | 'screen.logs'
  | 'screen.events'
  | 'screen.cron'
  | 'screen.help'
  | 'jobs.prevRegistry'
  | 'jobs.nextRegistry'
  | 'jobs.mark'
  | 'jobs.markAll'
  | 'table.filter'
  | 'table.sortPrompt'
  | 'table.sortNext'
  | 'table.sortPrev'
  | 'table.sortReverse'
  | 'table.wide'
  | 'table.flaggedOnly'
  | 'app.find'
  | 'table.scrollLeft'
  | 'table.scrollRight'
  | 'app.quit'
  | 'app.refresh'
  | 'app.freeze'
  | 'app.contexts'
  | 'detail.pager'
  | 'app.copy'
  | 'action.killHorse'
  | 'action.stopJob'
  | 'action.gracefulStop'
  | 'action.shutdown'
  | 'action.removeGhost'
  | 'action.launch'
  | 'action.requeue'
  | 'action.failOrphan'
  | 'action.requeueAll'
  | 'action.requeueMatching'
  | 'action.deleteJobs'
  | 'action.emptyFailed'
  | 'action.emptyQueue'
  | 'action.cleanRegistries'
  | 'action.suspendToggle'
  | 'action.nextStep'
  | 'confirm.yes'
  | 'confirm.no'
  | 'confirm.activate'
  | 'confirm.focusNext'
  | 'input.submit'
  | 'input.cancel'
  | 'input.erase'
  | 'input.nextField'
  | 'input.prevField'
  | 'filter.toggleRegex'
  | 'quit.stopWorkers'
  | 'quit.leaveWorkers'
  | 'quit.cancel'
  | 'switcher.up'
  | 'switcher.down'
  | 'switcher.switch'
  | 'switcher.cancel';

type Lower =
  | 'a'
  | 'b'
  | 'c'
  | 'd'
  | 'e'
  | 'f'
  | 'g'
  | 'h'
  | 'i'
  | 'j'
  | 'k'
  | 'l'
  | 'm'
  | 'n'
  | 'o'
  | 'p'
  | 'q'
  | 'r'
  | 's'
  | 't'
  | 'u'
  | 'v'
  | 'w'
  | 'x'
  | 'y'
  | 'z';
type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
type Punctuation =
  '/' | '?' | '!' | ':' | ';' | '*' | '<' | '>' | ',' | '.' | '[' | ']' | '-' | '+' | '=' | '@' | '#';
/** The keys keyName() reports by name rather than by the character they type. */
type NamedKey =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'pageup'
  | 'pagedown'
  | 'home'
  | 'end'
  | 'enter'
  | 'escape'
  | 'backspace'
  | 'tab'
  | 'shift+tab'
  | 'space';

/**
 * A key as keyName() spells it: 'j', 'G', '?', 'down', 'enter', 'ctrl+f', 'shift+tab'. A
 * binding naming anything else ('ctrl+F', 'esc', 'delete') fails to compile.
 */
export type KeyName = Lower | Uppercase<Lower> | Digit | Punctuation | NamedKey | `ctrl+${Lower}`;

/**
 * When an action asks first (a dialog naming its target, Cancel focused): 'always', or
 * 'unless-harmless': not when its command only requeues one failed job or resumes the
 * workers (action-keys.ts decides which commands are harmless).
 */
export type ConfirmPolicy = 'always' | 'unless-harmless';

export interface Binding {
  id: BindingId;
  /** The first is the one hints show. */
  keys: readonly [KeyName, ...KeyName[]];
  /** Short label for the footer; empty keeps it out of the footer (help still lists it). */
  label: string;
  /** One sentence for the help screen and the README. */
  help: string;
  contexts: readonly Context[];
  /** Changes something in Redis or starts processes: absent in --read-only. */
  action?: boolean;
  /** Whether it asks first (action-keys.ts opens the dialog from this field alone). */
  confirm?: ConfirmPolicy;
}

export const KEYMAP: readonly Binding[] = [
  {
    id: 'nav.up',
    keys: ['up', 'k'],
    label: '',
    help: 'Move the cursor up (scroll up in detail and help).',
    contexts: SCROLLING,
  },
  {
    id: 'nav.down',
    keys: ['down', 'j'],
    label: '',
    help: 'Move the cursor down (scroll down in detail and help).',
    contexts: SCROLLING,
  },
  {
    id: 'nav.pageUp',
    keys: ['pageup', 'ctrl+b', 'ctrl+u'],
    label: '',
    help: 'Move one page up.',
    contexts: SCROLLING,
  },
  {
    id: 'nav.pageDown',
    keys: ['pagedown', 'ctrl+f', 'ctrl+d'],
    label: '',
    help: 'Move one page down.',
    contexts: SCROLLING,
  },
  {
    id: 'nav.pageDownSpace',
    keys: ['space'],
    label: '',
    help: 'Move one page down (on the jobs screen Space marks a row instead).',
    contexts: SCROLLING.filter((c) => c !== 'jobs'),
  },
  { id: 'nav.top', keys: ['g', 'home'], label: '', help: 'Jump to the first row.', contexts: SCROLLING },
  {
    id: 'nav.bottom',
    keys: ['G', 'end'],
    label: '',
    help: 'Jump to the last row (in logs: follow new lines).',
    contexts: SCROLLING,
  },
  {
    id: 'nav.open',
    keys: ['enter'],
    label: 'detail',
    help: "Open the selected row: worker or job detail, a queue's jobs; in worker detail, the job it runs.",
    contexts: ['workers', 'queues', 'jobs', 'detail'],
  },
  {
    id: 'nav.back',
    keys: ['escape', 'backspace'],
    label: 'back',
    help: 'Clear the filter, else leave the detail for the screen it came from, else go to the workers screen.',
    contexts: SCREENS,
  },
  { id: 'nav.nextScreen', keys: ['tab'], label: '', help: 'Next screen.', contexts: SCREENS },
  { id: 'nav.prevScreen', keys: ['shift+tab'], label: '', help: 'Previous screen.', contexts: SCREENS },
  { id: 'screen.workers', keys: ['1'], label: '', help: 'Workers screen.', contexts: SCREENS },
  { id: 'screen.queues', keys: ['2'], label: '', help: 'Queues screen.', contexts: SCREENS },
  {
    id: 'screen.jobs',
    keys: ['3'],
    label: '',
    help: "Jobs screen (the selected queue's registries).",
    contexts: SCREENS,
  },
  {
    id: 'screen.logs',
    keys: ['4'],
    label: '',
    help: 'Logs of the workers this console launched.',
    contexts: SCREENS,
  },
  {
    id: 'screen.events',
    keys: ['5', 'e'],
    label: 'events',
    help: 'Event timeline, newest first: workers appearing and dying, flags raised and cleared, orphaned jobs, Redis restarts, outages and failovers, every action sent.',
    contexts: SCREENS,
  },
  {
    id: 'screen.cron',
    keys: ['6', 'c'],
    label: '',
    help: "RQ 2.4+ cron schedulers (`rq cron`): each one's heartbeat, and each cron job's queue, schedule, last and next enqueue time (overdue ones flagged).",
    contexts: SCREENS,
  },
  { id: 'screen.help', keys: ['?', '7'], label: 'help', help: 'This help.', contexts: SCREENS },
  {
    id: 'jobs.prevRegistry',
    keys: ['left', 'h', '['],
    label: '',
    help: 'Previous registry (queued, started, failed, finished, …).',
    contexts: ['jobs'],
  },
  {
    id: 'jobs.nextRegistry',
    keys: ['right', 'l', ']'],
    label: 'registry',
    help: 'Next registry (queued, started, failed, finished, …).',
    contexts: ['jobs'],
  },
  {
    id: 'table.filter',
    keys: ['/'],
    label: 'filter',
    help: 'Filter rows (and the event timeline) by substring, with queue: state: flag: func: qualifiers (ctrl+r in the prompt switches to a regular expression).',
    contexts: [...TABLES, 'events'],
  },
  {
    id: 'table.sortPrompt',
    keys: ['s'],
    label: 'sort',
    help: 'Sort by a column you pick: the prompt lists every sortable column with its letter; the sorted one again reverses it.',
    contexts: ['workers', 'queues', 'jobs'],
  },
  {
    id: 'table.sortNext',
    keys: ['>', '.'],
    label: '',
    help: 'Sort by the next column (jobs: by function, age, worker or error, the rows on the page or found by the filter).',
    contexts: ['workers', 'queues', 'jobs'],
  },
  {
    id: 'table.sortPrev',
    keys: ['<', ','],
    label: '',
    help: 'Sort by the previous column.',
    contexts: ['workers', 'queues', 'jobs'],
  },
  {
    id: 'table.sortReverse',
    keys: ['o'],
    label: '',
    help: 'Reverse the sort order.',
    contexts: ['workers', 'queues', 'jobs'],
  },
  {
    id: 'table.wide',
    keys: ['w'],
    label: 'wide',
    help: 'Show every column at full width (← → scroll sideways); again to fit the terminal.',
    contexts: ['workers', 'queues'],
  },
  {
    id: 'table.flaggedOnly',
    keys: ['!'],
    label: 'flagged',
    help: 'Show only the flagged workers (dead, stale, overtime, deaf, ghost), or all again.',
    contexts: ['workers'],
  },
  {
    id: 'app.find',
    keys: [':'],
    label: '',
    help: 'Find a job by id, in every queue and registry, and open it.',
    contexts: SCREENS,
  },
  {
    id: 'table.scrollLeft',
    keys: ['left', 'h'],
    label: '',
    help: 'In the wide view: scroll the columns left.',
    contexts: ['workers', 'queues'],
  },
  {
    id: 'table.scrollRight',
    keys: ['right', 'l'],
    label: '',
    help: 'In the wide view: scroll the columns right.',
    contexts: ['workers', 'queues'],
  },
  { id: 'app.refresh', keys: ['ctrl+l'], label: '', help: 'Refresh now.', contexts: SCREENS },
  {
    id: 'app.freeze',
    keys: ['Z'],
    label: 'freeze',
    help: 'Freeze the picture (no periodic refresh) to read it; again to resume. What you open or do still loads.',
    contexts: SCREENS,
  },
  {
    id: 'app.contexts',
    keys: ['@'],
    label: '',
    help: 'Switch context: list the Redis servers this console watches (-u a -u b, CONSOLE_CONTEXTS) with their health and summary; Enter puts one on screen.',
    contexts: SCREENS,
  },
  {
    id: 'detail.pager',
    keys: ['v'],
    label: 'pager',
    help: 'Open the whole detail in $PAGER (less -R when unset); quitting the pager comes back here.',
    contexts: ['detail'],
  },
  {
    id: 'app.quit',
    keys: ['q', 'ctrl+c'],
    label: 'quit',
    help: 'Quit (asks what to do with launched workers still running).',
    contexts: SCREENS,
  },
  {
    id: 'action.killHorse',
    keys: ['K'],
    label: 'kill horse',
    help: "Kill the selected worker's horse (its running job fails; the worker carries on).",
    contexts: ['workers', 'detail'],
    action: true,
    confirm: 'always',
  },
  {
    id: 'action.stopJob',
    keys: ['S'],
    label: 'stop job',
    help: "Stop the running job (the selected worker's, or the selected started job); it ends as stopped in the failed registry.",
    contexts: ['workers', 'jobs', 'detail'],
    action: true,
    confirm: 'always',
  },
  {
    id: 'action.gracefulStop',
    keys: ['T'],
    label: '',
    help: 'Stop the running job gracefully (rqts workers): its AbortSignal fires, it gets the grace period (--grace-period, 10 s) to wind up, then its horse is killed; it ends stopped either way. On a Python worker it offers the plain stop.',
    contexts: ['workers', 'jobs', 'detail'],
    action: true,
    confirm: 'always',
  },
  {
    id: 'action.shutdown',
    keys: ['D'],
    label: 'shut down',
    help: 'Shut the selected worker down (warm: it finishes its current job first).',
    contexts: ['workers', 'detail'],
    action: true,
    confirm: 'always',
  },
  {
    id: 'action.removeGhost',
    keys: ['X'],
    label: '',
    help: 'Remove a ghost entry (listed in rq:workers, hash gone), or a dead worker whose hash lingers (its pid checked on this host first): its running job shows as ORPHANED.',
    contexts: ['workers', 'detail'],
    action: true,
    confirm: 'always',
  },
  {
    id: 'action.launch',
    keys: ['L'],
    label: 'launch',
    help: 'Launch workers as children of this console: rqts or Python RQ, on which queues, how many, burst or not, with which --path and serializer, separate or one named rqts worker-pool.',
    contexts: ['workers', 'queues', 'logs'],
    action: true,
  },
  {
    id: 'action.requeue',
    keys: ['r'],
    label: 'requeue',
    help: 'Requeue the selected failed job, or an ORPHANED started job (at the front, asks first); with jobs marked, every marked job (asks first).',
    contexts: ['workers', 'jobs', 'detail'],
    action: true,
    confirm: 'unless-harmless',
  },
  {
    id: 'action.failOrphan',
    keys: ['F'],
    label: 'fail orphan',
    help: 'Fail an ORPHANED started job (its worker is gone, frozen or runs another job): to the failed registry, naming why (r requeues it at the front instead); with jobs marked, move every marked job to the failed registry.',
    contexts: ['workers', 'jobs', 'detail'],
    action: true,
    confirm: 'always',
  },
  {
    id: 'action.requeueAll',
    keys: ['R'],
    label: 'requeue all',
    help: 'Requeue every failed job of the selected queue.',
    contexts: ['queues', 'jobs'],
    action: true,
    confirm: 'always',
  },
  {
    id: 'action.requeueMatching',
    keys: ['M'],
    label: '',
    help: 'Requeue every failed job of the selected queue whose error (its whole traceback) matches a regular expression you type; Esc stops it part way.',
    contexts: ['queues', 'jobs'],
    action: true,
    confirm: 'always',
  },
  {
    id: 'action.deleteJobs',
    keys: ['x'],
    label: 'delete',
    help: 'Delete the selected job, or every marked job, as Python RQ deletes one: out of its queue or registry, its hash, results and dependency keys gone.',
    contexts: ['jobs'],
    action: true,
    confirm: 'always',
  },
  {
    id: 'action.emptyFailed',
    keys: ['X'],
    label: '',
    help: "Empty the selected queue's failed registry (deletes every failed job); Esc stops it part way.",
    contexts: ['queues', 'jobs'],
    action: true,
    confirm: 'always',
  },
  {
    id: 'action.emptyQueue',
    keys: ['E'],
    label: 'empty',
    help: 'Empty the selected queue (deletes its queued jobs).',
    contexts: ['queues', 'jobs'],
    action: true,
    confirm: 'always',
  },
  {
    id: 'action.cleanRegistries',
    keys: ['C'],
    label: '',
    help: "Clean the selected queue's registries now, as a worker's maintenance does: abandoned started jobs are failed (or retried), expired finished and failed entries dropped, dead workers taken out of its worker set.",
    contexts: ['queues', 'jobs'],
    action: true,
    confirm: 'always',
  },
  {
    id: 'jobs.mark',
    keys: ['space'],
    label: 'mark',
    help: 'Mark or unmark the selected job for a bulk action (r requeues, F moves to failed, x deletes the marked jobs).',
    contexts: ['jobs'],
    action: true,
  },
  {
    id: 'jobs.markAll',
    keys: ['*'],
    label: '',
    help: 'Mark every job of this list that matches the filter (the whole registry, not just the page), or unmark them all.',
    contexts: ['jobs'],
    action: true,
  },
  {
    id: 'action.suspendToggle',
    keys: ['P'],
    label: 'suspend/resume',
    help: 'Suspend every worker (no new jobs start), or resume them.',
    contexts: ['workers', 'queues'],
    action: true,
    confirm: 'unless-harmless',
  },
  {
    id: 'action.nextStep',
    keys: ['n'],
    label: '',
    help: 'Take the next step the status line offers (e.g. shut down a worker that ignored kill-horse).',
    contexts: ['workers', 'queues', 'jobs', 'detail', 'events'],
    action: true,
    confirm: 'unless-harmless',
  },
  {
    id: 'app.copy',
    keys: ['y'],
    label: 'copy',
    help: "Copy the selected job's id, worker's or queue's name to the clipboard (OSC 52, through tmux too).",
    contexts: ['workers', 'queues', 'jobs', 'detail'],
  },
  { id: 'confirm.yes', keys: ['y'], label: 'yes', help: 'Confirm the action.', contexts: ['confirm'] },
  {
    id: 'confirm.no',
    keys: ['escape', 'n', 'q'],
    label: 'cancel',
    help: 'Cancel the action.',
    contexts: ['confirm'],
  },
  {
    id: 'confirm.activate',
    keys: ['enter', 'space'],
    label: 'press focused',
    help: 'Press the focused button (Cancel at first).',
    contexts: ['confirm'],
  },
  {
    id: 'confirm.focusNext',
    keys: ['tab', 'shift+tab', 'left', 'right', 'h', 'l'],
    label: 'move',
    help: 'Move between Cancel and the action.',
    contexts: ['confirm'],
  },
  {
    id: 'input.submit',
    keys: ['enter'],
    label: 'apply',
    help: 'Apply what you typed.',
    contexts: ['filter', 'launch'],
  },
  {
    id: 'input.cancel',
    keys: ['escape'],
    label: 'cancel',
    help: 'Close the prompt without applying it.',
    contexts: ['filter', 'launch', 'sort'],
  },
  {
    id: 'input.erase',
    keys: ['backspace'],
    label: '',
    help: 'Erase the last character.',
    contexts: ['filter', 'launch'],
  },
  {
    id: 'input.nextField',
    keys: ['tab', 'down'],
    label: 'next field',
    help: 'Next field of the launch dialog.',
    contexts: ['launch'],
  },
  {
    id: 'input.prevField',
    keys: ['shift+tab', 'up'],
    label: '',
    help: 'Previous field of the launch dialog.',
    contexts: ['launch'],
  },
  {
    id: 'filter.toggleRegex',
    keys: ['ctrl+r'],
    label: 'regex',
    help: 'Switch the filter between substring and regular expression.',
    contexts: ['filter'],
  },
  {
    id: 'quit.stopWorkers',
    keys: ['s'],
    label: 'stop them',
    help: 'Quit and stop the launched workers (warm shutdown).',
    contexts: ['quit'],
  },
  {
    id: 'quit.leaveWorkers',
    keys: ['l'],
    label: 'leave running',
    help: 'Quit and leave the launched workers running, detached.',
    contexts: ['quit'],
  },
  {
    id: 'quit.cancel',
    keys: ['escape', 'c'],
    label: 'cancel',
    help: 'Stay in the console.',
    contexts: ['quit'],
  },
  { id: 'switcher.up', keys: ['up', 'k'], label: '', help: 'Previous context.', contexts: ['switcher'] },
  { id: 'switcher.down', keys: ['down', 'j'], label: '', help: 'Next context.', contexts: ['switcher'] },
  {
    id: 'switcher.switch',
    keys: ['enter'],
    label: 'switch',
    help: 'Put the selected context on screen.',
    contexts: ['switcher'],
  },
  {
    id: 'switcher.cancel',
    keys: ['escape', '@', 'q'],
    label: 'close',
    help: 'Close the context list, staying where you are.',
    contexts: ['switcher'],
  },
];

/** The subset of Ink's Key this module reads. */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  meta?: boolean;
}

/** Turns Ink's (input, key) into the key name the table uses, or undefined for text. */
export function keyName(input: string, key: KeyInfo): string | undefined {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  // Terminals send DEL (0x7f) for the Backspace key; Ink reports it as `delete`.
  if (key.backspace) return 'backspace';
  if (key.delete) return 'backspace';
  if (key.ctrl && input.length === 1) return `ctrl+${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  if (input.length === 1) return input;
  return undefined;
}

const lookup = new Map<string, BindingId>();
for (const binding of KEYMAP) {
  for (const context of binding.contexts) {
    for (const k of binding.keys) lookup.set(`${context}\u0000${k}`, binding.id);
  }
}

const byId = new Map<BindingId, Binding>(KEYMAP.map((b) => [b.id, b]));

export function bindingOf(id: BindingId): Binding {
  const binding = byId.get(id);
  if (!binding) throw new Error(`no binding ${id}`);
  return binding;
}

/** The binding a key triggers in a context; actions are dropped in read-only mode. */
export function resolveKey(
  context: Context,
  input: string,
  key: KeyInfo,
  options: { readOnly?: boolean } = {},
): BindingId | undefined {
  const name = keyName(input, key);
  if (name === undefined) return undefined;
  const id = lookup.get(`${context}\u0000${name}`);
  if (id && options.readOnly && byId.get(id)?.action) return undefined;
  return id;
}

/**
 * The key a hint may name for this binding (as shown to people), or undefined when the
 * binding cannot be taken: an action in --read-only. Screen texts that suggest a key ask
 * here, so they never offer what the console would refuse.
 */
export function hintKey(id: BindingId, options: { readOnly?: boolean } = {}): string | undefined {
  const binding = bindingOf(id);
  if (options.readOnly && binding.action) return undefined;
  return displayKey(binding.keys[0]);
}

/**
 * The key a text names for a binding, as shown to people ('X', 'Esc'). For texts that only
 * an action's own path shows (a receipt, a refusal), where --read-only cannot be in force.
 */
export function keyOf(id: BindingId): string {
  return displayKey(bindingOf(id).keys[0]);
}

/** How a key is shown to people: 'G', 'ctrl+f', '↑', 'Enter'. */
export function displayKey(name: KeyName): string {
  const pretty: Partial<Record<KeyName, string>> = {
    up: '↑',
    down: '↓',
    left: '←',
    right: '→',
    enter: 'Enter',
    escape: 'Esc',
    backspace: 'Bksp',
    tab: 'Tab',
    'shift+tab': 'S-Tab',
    space: 'Space',
    pageup: 'PgUp',
    pagedown: 'PgDn',
    home: 'Home',
    end: 'End',
  };
  return pretty[name] ?? name;
}

/** Bindings shown in the footer of a context, in table order. */
export function footerBindings(context: Context, options: { readOnly?: boolean } = {}): Binding[] {
  return KEYMAP.filter(
    (b) => b.label !== '' && b.contexts.includes(context) && !(options.readOnly && b.action),
  );
}

export function bindingsFor(context: Context, options: { readOnly?: boolean } = {}): Binding[] {
  return KEYMAP.filter((b) => reachableContexts(b, options).includes(context));
}

/** Layers that only an action opens (a confirmation, the launch dialog, the quit prompt about launched workers). */
const ACTION_LAYERS: ReadonlySet<Context> = new Set<Context>(['confirm', 'launch', 'quit']);

/**
 * Where a binding can be used: all its contexts, but in --read-only none for an action and
 * none of the layers that only actions open, so help never lists a key that cannot be taken.
 */
export function reachableContexts(b: Binding, options: { readOnly?: boolean } = {}): readonly Context[] {
  if (!options.readOnly) return b.contexts;
  if (b.action) return [];
  return b.contexts.filter((c) => !ACTION_LAYERS.has(c));
}

const CONFIRM_NOTE: Record<ConfirmPolicy | 'never', string> = {
  always: ' (confirms first)',
  'unless-harmless': ' (confirms first unless it only requeues one failed job or resumes)',
  never: '',
};

/** The README's key table (Markdown), generated from KEYMAP by `npm run keymap-doc`-style callers. */
export function keymapMarkdown(): string {
  const rows = KEYMAP.map(
    (b) =>
      `| ${b.keys.map((k) => `\`${displayKey(k)}\``).join(' ')} | ${b.help}${CONFIRM_NOTE[b.confirm ?? 'never']} | ${b.contexts.join(', ')} |`,
  );
  return ['| keys | what it does | where |', '| --- | --- | --- |', ...rows].join('\n');
}
