import type { ContextsView } from './data/contexts.js';
import type { ActionCenter } from './data/actions.js';
import type { OrphanedJob, WorkerRow } from './data/derive.js';
import type { PythonRq } from './data/python-rq.js';
import type { ConsoleModel } from './selectors.js';
import type { ParsedLaunch, UiAction, UiState } from './ui-state.js';

// What a key handler is given (controller.ts, action-keys.ts, bulk-keys.ts): the UI state and
// its dispatch, the model, and the callbacks that reach beyond the UI. In a file of its own so
// the handlers and the controller that calls them do not import each other.

export interface ControllerContext {
  ui: UiState;
  dispatch: (action: UiAction) => void;
  model: ConsoleModel;
  bodyHeight: number;
  readOnly: boolean;
  /** Redis does not answer: an action would only fail with the client's text after a dialog. */
  redisUnreachable: boolean;
  /** How long a graceful stop lets the job wind up before its horse is killed (s). */
  graceSeconds: number;
  /** A worker's row by name, whatever the filter (worker detail acts on it). */
  workerNamed: (name: string) => WorkerRow | undefined;
  actions: ActionCenter;
  /** ORPHANED started jobs by id (the fix keys act only on these). */
  orphans: ReadonlyMap<string, OrphanedJob>;
  canLaunch: boolean;
  launch: (spec: ParsedLaunch) => void;
  /** What the launch dialog starts from: the console's own -P and -S. */
  launchDefaults: { paths: readonly string[]; serializer: string };
  /** Whether Python RQ workers can be launched (known after detectPython). */
  pythonRq: PythonRq;
  detectPython: () => void;
  refresh: () => void;
  toggleFreeze: () => void;
  /** Stops the jobs filter's registry search, keeping what it found. */
  cancelSearch: () => void;
  notify: (text: string) => void;
  /** Shows the detail on screen in $PAGER, the console suspended until the pager exits. */
  openPager: () => void;
  /** Puts `text` on the terminal's clipboard and says so, naming it as `what` ("job id"). */
  copy: (text: string, what: string) => void;
  quit: () => void;
  stopLaunchedAndQuit: () => void;
  leaveLaunchedAndQuit: () => void;
  /** Several Redis at once: which is on screen, the others' summaries, and the switch. */
  contexts?: ContextsView;
}
