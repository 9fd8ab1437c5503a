import { useCallback, useMemo, useState } from 'react';
import { useApp } from 'ink';
import type { ControllerContext } from '../controller.js';
import type { ActionCenter } from '../data/actions.js';
import type { FunctionCheck } from '../data/function-check.js';
import type { LocalWorker, LocalWorkers } from '../data/local-workers.js';
import type { Poller } from '../data/poller.js';
import type { DerivedModel } from '../model.js';
import { escapeControl } from '../text.js';
import type { ParsedLaunch, UiAction, UiState } from '../ui-state.js';
import { DEFAULT_GRACE_SECONDS } from '../../model/commands.js';
import type { ConsoleData } from './useConsoleData.js';
import type { ScreenText } from './useScreenText.js';
import { usePager } from './usePager.js';
import { useClipboard } from './useClipboard.js';
import { detailText } from '../data/detail.js';

export interface ExitOutcome {
  workers: 'none' | 'stopped' | 'detached';
  detached: LocalWorker[];
}

export interface Notice {
  text: string;
  at: number;
}

export interface CommandSources {
  poller: Poller;
  actions: ActionCenter;
  local: LocalWorkers | undefined;
  readOnly: boolean;
  onExit: (outcome: ExitOutcome) => void;
  stopOptions?: { warmMs?: number; coldMs?: number };
  graceSeconds?: number;
  quitAtOnce?: boolean;
  checkFunctions?: (spec: ParsedLaunch) => Promise<FunctionCheck>;
  search?: { cancel: () => void };
}

// A notice's time is taken when an event handler raises it, never during render.
const stampNotice = (text: string): Notice => ({ text, at: Date.now() });

/**
 * What the key handler may do: the commands (launch, quit, notify…) as callbacks over the
 * console's sources, and the state it judges keys against. Also the notice they raise.
 */
export function useControllerContext(
  sources: CommandSources,
  data: ConsoleData,
  ui: UiState,
  dispatch: (action: UiAction) => void,
  model: DerivedModel,
  bodyHeight: number,
  text: ScreenText,
): { ctx: ControllerContext; notice: Notice | undefined } {
  const { poller, actions, local, readOnly } = sources;
  const { exit } = useApp();
  const { timeline, localState, poll, allWorkers } = data;
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const page = usePager();
  const clip = useClipboard();
  const { onExit } = sources;
  const finish = useCallback(
    (outcome: ExitOutcome) => {
      poller.stop();
      onExit(outcome);
      exit();
    },
    [poller, onExit, exit],
  );
  const launchDefaults = useMemo(() => local?.defaults() ?? { paths: [], serializer: '' }, [local]);
  const ctx: ControllerContext = {
    ui,
    dispatch,
    model,
    bodyHeight,
    readOnly,
    redisUnreachable: poll.connection === 'reconnecting' || poll.connection === 'unreachable',
    graceSeconds: sources.graceSeconds ?? DEFAULT_GRACE_SECONDS,
    workerNamed: (name) => allWorkers.find((w) => w.name === name),
    actions,
    orphans: data.orphanMap,
    canLaunch: local !== undefined && !readOnly,
    launchDefaults: launchDefaults,
    pythonRq: localState.python,
    detectPython: () => local?.detectPython(),
    launch: (spec) => {
      if (spec.pool !== undefined && local?.running().some((w) => w.name === spec.pool)) {
        return setNotice(stampNotice(`A pool named ${spec.pool} is already running here; pick another name`));
      }
      const start = (): void => {
        const started = local?.launch(spec) ?? [];
        const what = (w: LocalWorker): string =>
          `${spec.pool === undefined ? '' : `pool of ${spec.count} `}${spec.kind === 'python' ? 'Python RQ worker ' : ''}${w.name} (pid ${w.pid ?? '?'})`;
        setNotice(
          stampNotice(
            `Launched ${started.map(what).join(', ')} on ${spec.queues.join(',')}${spec.burst ? ', burst' : ''}; output in Logs (4)`,
          ),
        );
        poller.refreshNow();
      };
      // rqts workers on a backlog whose functions do not resolve would fail it all at once.
      if (spec.kind === 'python' || !sources.checkFunctions) return start();
      const where = spec.paths.join(',') || '.';
      setNotice(stampNotice(`Checking the first queued jobs' functions under --path ${where}…`));
      void sources.checkFunctions(spec).then((check) => {
        if (check.ok) return start();
        const text = `Not launched: ${escapeControl(check.func)}${check.id ? ` in job ${escapeControl(check.id.slice(0, 8))}…` : ''} does not resolve under --path ${escapeControl(where)}: ${escapeControl(check.reason)}`;
        setNotice(stampNotice(text));
        timeline.add('notice', text);
      });
    },
    refresh: () => poller.refreshNow(),
    toggleFreeze: () => poller.setFrozen(poller.getState().frozenAt === undefined),
    cancelSearch: () => sources.search?.cancel(),
    notify: (text) => {
      setNotice(stampNotice(text));
      timeline.add('notice', text);
    },
    openPager: () => {
      const failed = page(detailText(text.detailUnwrapped));
      if (failed) setNotice(stampNotice(failed));
    },
    copy: (value, what) => {
      clip(value);
      const shown = value.length > 12 ? `${value.slice(0, 8)}…` : value;
      setNotice(stampNotice(`copied ${what} ${escapeControl(shown)} to the clipboard (OSC 52)`));
    },
    quit: () => {
      const running = local?.running() ?? [];
      if (running.length > 0 && sources.quitAtOnce) finish({ workers: 'stopped', detached: [] });
      else if (running.length > 0)
        dispatch({ type: 'openLayer', layer: { type: 'quit', phase: 'ask', progress: undefined } });
      else finish({ workers: 'none', detached: [] });
    },
    stopLaunchedAndQuit: () => {
      dispatch({
        type: 'updateLayer',
        layer: { type: 'quit', phase: 'stopping', progress: 'sending a warm shutdown (SIGTERM)…' },
      });
      void (
        local?.stopAll({
          ...sources.stopOptions,
          onProgress: (left, phase) =>
            dispatch({
              type: 'updateLayer',
              layer: {
                type: 'quit',
                phase: 'stopping',
                progress: `${left} still running; ${phase === 'warm' ? 'warm shutdown sent' : phase === 'cold' ? 'second SIGTERM sent (cold: kills the horse)' : 'SIGKILL sent'}`,
              },
            }),
        }) ?? Promise.resolve()
      ).then(() => finish({ workers: 'stopped', detached: [] }));
    },
    leaveLaunchedAndQuit: () => finish({ workers: 'detached', detached: local?.detachAll() ?? [] }),
  };
  return { ctx, notice };
}
