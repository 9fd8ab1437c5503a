import React, {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import type { Poller } from './data/poller.js';
import type { ActionCenter } from './data/actions.js';
import type { LocalWorker, LocalWorkers, LocalWorkersState } from './data/local-workers.js';
import { DEFAULT_SLOW, type SlowThresholds } from './data/runtimes.js';
import { deriveOrphans, deriveQueueRows, deriveTotals, deriveWorkerRows } from './data/derive.js';
import { Timeline } from './data/timeline.js';
import type { FunctionCheck } from './data/function-check.js';
import { eventLines, eventsSummary } from './views/events.js';
import { cronLines, cronSummary } from './views/cron.js';
import { bucketize, recentRate } from './data/rates.js';
import { jobColumns, QUEUE_COLUMNS, WORKER_COLUMNS } from './data/columns.js';
import { deriveModel, type ModelInputs } from './model.js';
import { jobDetailLines, workerDetailLines, type Line } from './data/detail.js';
import { windowStart } from './data/selection.js';
import { handleInput, type ControllerContext } from './controller.js';
import { hintKey } from './keymap.js';
import { selectedIndex } from './selectors.js';
import {
  INITIAL_UI,
  launchFields,
  uiReducer,
  type FilterTarget,
  type ParsedLaunch,
  type TableId,
  type UiAction,
  type UiState,
} from './ui-state.js';
import { escapeControl, formatClock, sparkline } from './text.js';
import { DEFAULT_GRACE_SECONDS } from '../model/commands.js';
import { Header, Tabs } from './views/Header.js';
import { Footer } from './views/Footer.js';
import { StatusLine, statusShown } from './views/StatusLine.js';
import { TableScreen, tableView, type TableView } from './views/TableScreen.js';
import { TextPane } from './views/TextPane.js';
import { LogsView } from './views/LogsView.js';
import { helpLines } from './views/HelpView.js';
import { ConfirmDialog, FilterPrompt, LaunchDialog, launchPreviewRows, QuitDialog } from './views/Dialogs.js';
import { JobsTabs } from './views/JobsTabs.js';
import { searchSummary, type JobSearch, type SearchState } from './data/job-search.js';
import { isMarked, marksSummary } from './data/marks.js';

export interface ExitOutcome {
  workers: 'none' | 'stopped' | 'detached';
  detached: LocalWorker[];
}

export interface ConsoleAppProps {
  poller: Poller;
  actions: ActionCenter;
  local: LocalWorkers | undefined;
  /** The Redis address with its password masked. */
  display: string;
  /** Extra header note, e.g. the private demo Redis. */
  note?: string;
  readOnly: boolean;
  onExit: (outcome: ExitOutcome) => void;
  stopOptions?: { warmMs?: number; coldMs?: number };
  /** When a running job counts as SLOW (`--slow-factor`, `--slow-floor`). */
  slow?: SlowThresholds;
  /** The graceful stop's grace period (`--grace-period`, s). */
  graceSeconds?: number;
  /** What the console saw happen; one is made from the poller when not given. */
  timeline?: Timeline;
  /** Quit at once without asking about launched workers: the demo's caller ends them. */
  quitAtOnce?: boolean;
  /** Checks that the first queued jobs' functions resolve before rqts workers are launched. */
  checkFunctions?: (spec: ParsedLaunch) => Promise<FunctionCheck>;
  /** Searches a whole registry for the jobs filter; without it the filter covers the page. */
  search?: JobSearch;
}

const EMPTY_LOCAL: LocalWorkersState = {
  workers: [],
  lines: [],
  logDir: undefined,
  python: { status: 'unknown' },
};
const noSubscribe = (): (() => void) => () => undefined;
const emptyLocal = (): LocalWorkersState => EMPTY_LOCAL;
/** How long the "Redis restarted" banner stays (the timeline keeps it). */
const RESTART_BANNER_MS = 5 * 60_000;
const noSearch = (): SearchState | undefined => undefined;

type TerminalSize = { columns: number; rows: number };
const readSize = (stdout: NodeJS.WriteStream): TerminalSize => ({
  columns: stdout.columns || 100,
  rows: stdout.rows || 30,
});

// A notice's time is taken when an event handler raises it, never during render.
const stampNotice = (text: string): { text: string; at: number } => ({ text, at: Date.now() });

function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readSize(stdout));
  useEffect(() => {
    const onResize = (): void => setSize(readSize(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/** What the layout left out or scrolled past, for the tab line. */
function layoutNote(view: TableView<unknown>, wide: boolean): string {
  const { plan } = view;
  if (wide)
    return ` · wide${plan.scrolledPast > 0 ? ` ←${plan.scrolledPast}` : ''}${plan.moreRight ? ' →' : ''} (w fits)`;
  return plan.hidden > 0 ? ` · ${plan.hidden} more col${plan.hidden === 1 ? '' : 's'} (w)` : '';
}

/** The smallest terminal the console lays out for; below it, one line says so. */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

type ScrolledTable = Exclude<TableId, 'jobs'>;
type ScrollWindow = { cursor: number; start: number };

// Scroll windows keep the cursor visible while moving as little as possible: each start
// depends on the previous one, kept as state and adjusted during render (React's pattern
// for state derived from the previous render) rather than in a ref written while rendering.
function useScrollWindows(
  tables: Record<ScrolledTable, { cursor: number; total: number }>,
  height: number,
): Record<ScrolledTable, ScrollWindow> {
  const [starts, setStarts] = useState<Record<ScrolledTable, number>>({ workers: 0, queues: 0, logs: 0 });
  const next = {} as Record<ScrolledTable, number>;
  const windows = {} as Record<ScrolledTable, ScrollWindow>;
  let moved = false;
  for (const table of Object.keys(tables) as ScrolledTable[]) {
    const { cursor, total } = tables[table];
    next[table] = windowStart(cursor, starts[table], height, total);
    if (next[table] !== starts[table]) moved = true;
    windows[table] = { cursor, start: next[table] };
  }
  if (moved) setStarts(next);
  return windows;
}

function layerHeight(ui: UiState, width: number): number {
  switch (ui.layer?.type) {
    case 'confirm':
      return 6 + ui.layer.request.details.length;
    case 'launch':
      return (
        4 +
        launchFields(ui.layer.draft).length +
        launchPreviewRows(ui.layer.draft, width) +
        (ui.layer.error ? 1 : 0)
      );
    case 'quit':
      return ui.layer.phase === 'stopping' ? 4 : 5;
    case 'filter':
      return 1;
    default:
      return 0;
  }
}

export function ConsoleApp(props: ConsoleAppProps): React.JSX.Element {
  const { poller, actions, local, readOnly } = props;
  const { exit } = useApp();
  const size = useTerminalSize();
  const poll = useSyncExternalStore(poller.subscribe, poller.getState);
  const receipts = useSyncExternalStore(actions.subscribe, actions.getState);
  const localState = useSyncExternalStore(local?.subscribe ?? noSubscribe, local?.getState ?? emptyLocal);
  const [timeline] = useState(() => props.timeline ?? new Timeline(poller));
  const events = useSyncExternalStore(timeline.subscribe, timeline.getState);
  useEffect(() => timeline.observeReceipts(receipts), [timeline, receipts]);
  const [ui, reactDispatch] = useReducer(uiReducer, INITIAL_UI);
  // Keys can arrive faster than React renders (fast typing, a paste): the controller must
  // judge each key against the state the previous keys produced, not the last render's.
  const uiRef = useRef(ui);
  const dispatch = useCallback((action: UiAction) => {
    uiRef.current = uiReducer(uiRef.current, action);
    reactDispatch(action);
  }, []);
  const [notice, setNotice] = useState<{ text: string; at: number } | undefined>(undefined);
  const snapshot = poll.snapshot;
  // Before the first snapshot nothing on screen is timed, so the mount time serves.
  const [mountedAt] = useState(() => Date.now());
  const now = snapshot?.takenAt ?? mountedAt;

  const launched = useMemo(
    () => new Set(localState.workers.filter((w) => w.poolSize === undefined).map((w) => w.name)),
    [localState.workers],
  );
  const launchedPools = useMemo(
    () => new Set(localState.workers.filter((w) => w.poolSize !== undefined).map((w) => w.name)),
    [localState.workers],
  );
  const runtimes = poll.runtimes;
  const runtimesVersion = poll.runtimesVersion;
  const slowThresholds = props.slow ?? DEFAULT_SLOW;
  const allWorkers = useMemo(
    () =>
      snapshot
        ? deriveWorkerRows(snapshot, snapshot.takenAt, launched, launchedPools, events.lastQueues, {
            stats: (func) => runtimes.stats(func),
            thresholds: slowThresholds,
          })
        : [],
    // runtimesVersion: the book changes in place; its version says when.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [snapshot, launched, launchedPools, events.lastQueues, runtimes, runtimesVersion, slowThresholds],
  );
  const orphans = useMemo(
    () => (snapshot ? deriveOrphans(snapshot, allWorkers, snapshot.takenAt) : []),
    [snapshot, allWorkers],
  );
  const orphanMap = useMemo(() => new Map(orphans.map((o) => [o.id, o])), [orphans]);
  const allQueues = useMemo(
    () => (snapshot ? deriveQueueRows(snapshot, allWorkers, snapshot.takenAt) : []),
    [snapshot, allWorkers],
  );
  const totals = useMemo(
    () => (snapshot ? deriveTotals(allWorkers, allQueues, orphans) : undefined),
    [snapshot, allWorkers, allQueues, orphans],
  );
  const restartShown = events.restart !== undefined && now - events.restart.at < RESTART_BANNER_MS;
  // Layout: everything but the body has a known height, so the body fills the rest and
  // the frame stays one line short of the terminal (a full frame makes Ink clear the screen).
  const bannerShown =
    (poll.connection !== 'ready' && poll.connection !== 'connecting') ||
    (poll.connection === 'connecting' && !totals) ||
    Boolean(snapshot?.suspended) ||
    restartShown;
  const chrome = 2 + (bannerShown ? 1 : 0) + 1 + 1 + 1 + layerHeight(ui, Math.max(40, size.columns));
  const bodyHeight = Math.max(3, size.rows - 1 - chrome);
  const width = Math.max(40, size.columns);
  // The header's sparklines are the first thing to give way on a narrow terminal.
  const sparkWidth = width >= 140 ? 20 : width >= 110 ? 10 : 0;

  // Jobs screen: one page read in Redis; the page holding the cursor is on screen.
  const pageSize = Math.max(1, bodyHeight - 2);
  const detailLines: Line[] = useMemo(() => {
    if (ui.screen !== 'detail' || !ui.detail) return [];
    if (ui.detail.kind === 'job')
      return jobDetailLines(
        snapshot?.detail,
        now,
        ui.detail.id,
        (func) => runtimes.stats(func),
        slowThresholds,
      );
    const name = ui.detail.name;
    return workerDetailLines(
      allWorkers.find((w) => w.name === name),
      snapshot?.workers.find((w) => w.name === name),
      now,
      name,
    );
    // runtimesVersion: the book changes in place; its version says when.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ui.screen, ui.detail, snapshot, allWorkers, now, runtimes, runtimesVersion, slowThresholds]);
  const help = useMemo(() => helpLines(readOnly, width), [readOnly, width]);
  const eventText = useMemo(
    () => eventLines(events.events, ui.filters.events, width),
    [events.events, ui.filters.events, width],
  );
  const cronText = useMemo(
    () => (ui.screen === 'cron' ? cronLines(snapshot?.cron, now) : []),
    [ui.screen, snapshot, now],
  );
  const searchState = useSyncExternalStore(
    props.search?.subscribe ?? noSubscribe,
    props.search?.getState ?? noSearch,
  );
  const search = useMemo(
    () => (props.search ? { state: searchState } : undefined),
    [props.search, searchState],
  );
  const inputs: ModelInputs = useMemo(
    () => ({
      search,
      snapshot,
      allWorkers,
      allQueues,
      lines: localState.lines,
      pageSize,
      detailLineCount: detailLines.length,
      helpLineCount: help.length,
      eventLineCount: eventText.length,
      cronLineCount: cronText.length,
    }),
    [
      search,
      snapshot,
      allWorkers,
      allQueues,
      localState.lines,
      pageSize,
      detailLines.length,
      help.length,
      eventText.length,
      cronText.length,
    ],
  );
  const model = useMemo(() => deriveModel(ui, inputs), [ui, inputs]);
  const inputsRef = useRef(inputs);
  const jobsQueue = model.jobs.queue;
  const pageOffset = model.jobs.offset;
  const pageMatches = model.pageMatches;
  const jobRows = model.jobs.rows;
  const sortedWorkers = model.workers;
  const sortedQueues = model.queues;
  const detailJobId = ui.screen === 'detail' && ui.detail?.kind === 'job' ? ui.detail.id : undefined;
  const searchRequest = model.searchRequest;
  const searching = searchRequest !== undefined;
  const wantPage = ui.screen === 'jobs' && jobsQueue !== undefined && !searching;
  useEffect(() => {
    if (!props.search) return;
    if (searchRequest) props.search.start(searchRequest);
    else props.search.clear();
  }, [props.search, searchRequest]);
  useEffect(() => {
    poller.setRequest({
      jobPage:
        wantPage && jobsQueue
          ? { queue: jobsQueue, kind: ui.jobs.kind, offset: pageOffset, limit: pageSize }
          : undefined,
      detailJobId,
    });
  }, [poller, wantPage, jobsQueue, ui.jobs.kind, pageOffset, pageSize, detailJobId]);

  const finish = useCallback(
    (outcome: ExitOutcome) => {
      poller.stop();
      props.onExit(outcome);
      exit();
    },
    [poller, props, exit],
  );

  const launchDefaults = useMemo(() => local?.defaults() ?? { paths: [], serializer: '' }, [local]);
  const ctx: ControllerContext = {
    ui,
    dispatch,
    model,
    bodyHeight,
    readOnly,
    redisUnreachable: poll.connection === 'reconnecting' || poll.connection === 'unreachable',
    graceSeconds: props.graceSeconds ?? DEFAULT_GRACE_SECONDS,
    workerNamed: (name) => allWorkers.find((w) => w.name === name),
    actions,
    orphans: orphanMap,
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
      if (spec.kind === 'python' || !props.checkFunctions) return start();
      const where = spec.paths.join(',') || '.';
      setNotice(stampNotice(`Checking the first queued jobs' functions under --path ${where}…`));
      void props.checkFunctions(spec).then((check) => {
        if (check.ok) return start();
        const text = `Not launched: ${escapeControl(check.func)}${check.id ? ` in job ${escapeControl(check.id.slice(0, 8))}…` : ''} does not resolve under --path ${escapeControl(where)}: ${escapeControl(check.reason)}`;
        setNotice(stampNotice(text));
        timeline.add('notice', text);
      });
    },
    refresh: () => poller.refreshNow(),
    cancelSearch: () => props.search?.cancel(),
    notify: (text) => {
      setNotice(stampNotice(text));
      timeline.add('notice', text);
    },
    quit: () => {
      const running = local?.running() ?? [];
      if (running.length > 0 && props.quitAtOnce) finish({ workers: 'stopped', detached: [] });
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
          ...props.stopOptions,
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
  const ctxRef = useRef(ctx);
  // Keys are handled after the commit that rendered them, so the refs are current by then.
  useLayoutEffect(() => {
    ctxRef.current = ctx;
    inputsRef.current = inputs;
  });
  // A stable handler: Ink re-subscribes useInput whenever the handler's identity changes.
  // Each key sees the state the previous keys produced (perhaps not rendered yet), and
  // the rows derived from it: filter, sort and page as they will be on screen.
  const onInput = useCallback(
    (input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) =>
      handleInput(input, key, () => ({
        ...ctxRef.current,
        ui: uiRef.current,
        model: deriveModel(uiRef.current, inputsRef.current),
      })),
    [],
  );
  useInput(onInput);

  const windows = useScrollWindows(
    {
      workers: { cursor: selectedIndex(ui, 'workers', model), total: sortedWorkers.length },
      queues: { cursor: selectedIndex(ui, 'queues', model), total: sortedQueues.length },
      logs: { cursor: selectedIndex(ui, 'logs', model), total: model.logs.length },
    },
    bodyHeight - 1,
  );

  const loading = snapshot === undefined;
  // Hints name a key only when pressing it would do something here.
  const launchKey = local !== undefined ? hintKey('action.launch', { readOnly }) : undefined;
  let body: React.JSX.Element;
  let tabExtra = '';
  const filterText = (t: FilterTarget): string =>
    ui.filters[t].text
      ? ` · filter ${ui.filters[t].regex ? 're' : ''}/${escapeControl(ui.filters[t].text)}/ (Esc clears)`
      : '';
  const tableSummary = (
    t: 'workers' | 'queues',
    shown: number,
    total: number,
    view: TableView<unknown>,
  ): string =>
    `${shown}/${total} ${t}${t === 'workers' && ui.flaggedOnly ? ' · flagged only (! all)' : ''}${layoutNote(view, ui.wide)}${filterText(t)}`;
  // What the workers and queues tables share: the frame they draw in.
  const tableFrame = { height: bodyHeight, loading };
  const viewFrame = { width, height: bodyHeight, now, loading, wide: ui.wide };
  switch (ui.screen) {
    case 'workers': {
      const w = windows.workers;
      const table = { columns: WORKER_COLUMNS, rows: sortedWorkers, start: w.start };
      const view = tableView({
        ...table,
        ...viewFrame,
        error: model.workersError,
        scroll: ui.hscroll.workers,
        sorted: ui.sorts.workers.column,
      });
      tabExtra = tableSummary('workers', sortedWorkers.length, allWorkers.length, view);
      body = (
        <TableScreen
          {...table}
          view={view}
          sort={ui.sorts.workers}
          cursor={w.cursor}
          {...tableFrame}
          rowKey={(r) => r.name}
          error={model.workersError}
          emptyText={
            allWorkers.length === 0
              ? `No worker is registered on this Redis. Start one (rqts worker / rq worker)${launchKey ? ` or press ${launchKey} to launch one here` : ''}.`
              : 'No worker matches the filter (Esc clears it).'
          }
        />
      );
      break;
    }
    case 'queues': {
      const w = windows.queues;
      const table = { columns: QUEUE_COLUMNS, rows: sortedQueues, start: w.start };
      const view = tableView({
        ...table,
        ...viewFrame,
        error: model.queuesError,
        scroll: ui.hscroll.queues,
        sorted: ui.sorts.queues.column,
      });
      tabExtra = tableSummary('queues', sortedQueues.length, allQueues.length, view);
      body = (
        <TableScreen
          {...table}
          view={view}
          sort={ui.sorts.queues}
          cursor={w.cursor}
          {...tableFrame}
          rowKey={(r) => r.name}
          error={model.queuesError}
          emptyText={
            allQueues.length === 0
              ? 'No queue yet: enqueue a job and its queue appears here.'
              : 'No queue matches the filter (Esc clears it).'
          }
        />
      );
      break;
    }
    case 'jobs': {
      const cursor = selectedIndex(ui, 'jobs', model);
      // Search results are all held: a window a page at a time keeps the cursor in them.
      const rowsShown = Math.max(1, bodyHeight - 2);
      const table = {
        columns: jobColumns(ui.jobs.kind, orphanMap),
        rows: jobRows,
        offset: pageOffset,
        start: searching ? Math.floor(cursor / rowsShown) * rowsShown : pageOffset,
        height: bodyHeight - 1,
        loading: loading || (searching ? !pageMatches : wantPage && !pageMatches),
      };
      const view = tableView({ ...table, width, now });
      // A search's progress and outcome come first: they say what "no match" means.
      tabExtra = model.search
        ? `${searchSummary(model.search)}${filterText('jobs')}`
        : `${layoutNote(view, false).replace(/^ · /, '')}${filterText('jobs')}`;
      tabExtra += marksSummary(ui.marks, model.jobs.total);
      body = (
        <Box flexDirection="column" height={bodyHeight}>
          <JobsTabs
            queue={jobsQueue}
            kind={ui.jobs.kind}
            queueRow={allQueues.find((q) => q.name === jobsQueue)}
            offset={pageOffset}
            pageSize={pageSize}
            total={model.jobs.total}
          />
          <TableScreen
            {...table}
            view={view}
            cursor={cursor}
            rowKey={(r) => r.id}
            marked={(r) => isMarked(ui.marks, r.id)}
            emptyText={
              jobsQueue === undefined
                ? 'No queue yet.'
                : ui.filters.jobs.text && !searching
                  ? `No ${ui.jobs.kind} job on this page of ${escapeControl(jobsQueue)} matches the filter (other pages are not searched).`
                  : searching && model.search?.phase === 'running'
                    ? `No match yet; searching ${escapeControl(jobsQueue)}'s ${ui.jobs.kind} jobs…`
                    : `No ${ui.jobs.kind} job in ${escapeControl(jobsQueue)}${ui.filters.jobs.text ? ' matches the filter (the whole registry was searched)' : ''}.`
            }
          />
        </Box>
      );
      break;
    }
    case 'detail': {
      const max = Math.max(0, detailLines.length - bodyHeight);
      body = <TextPane lines={detailLines} scroll={Math.min(ui.scroll.detail, max)} height={bodyHeight} />;
      tabExtra =
        detailLines.length > bodyHeight
          ? `lines ${Math.min(ui.scroll.detail, max) + 1}-${Math.min(detailLines.length, Math.min(ui.scroll.detail, max) + bodyHeight)} of ${detailLines.length}`
          : '';
      break;
    }
    case 'logs': {
      const w = windows.logs;
      tabExtra = `${ui.followLogs ? 'following' : 'paused (G follows)'}${filterText('logs')}`;
      body = (
        <LogsView
          lines={model.logs}
          cursor={w.cursor}
          start={w.start}
          height={bodyHeight}
          width={width}
          launchedAny={localState.workers.length > 0}
          logDir={localState.logDir}
          launchKey={launchKey}
        />
      );
      break;
    }
    case 'events': {
      const max = Math.max(0, eventText.length - bodyHeight);
      body = <TextPane lines={eventText} scroll={Math.min(ui.scroll.events, max)} height={bodyHeight} />;
      // The filter leads: at 80 columns the tab line keeps only its start.
      tabExtra = ui.filters.events.text
        ? `${filterText('events').slice(' · '.length)} · ${eventsSummary(events.events)}`
        : eventsSummary(events.events);
      break;
    }
    case 'cron': {
      const max = Math.max(0, cronText.length - bodyHeight);
      body = <TextPane lines={cronText} scroll={Math.min(ui.scroll.cron, max)} height={bodyHeight} />;
      tabExtra = cronSummary(snapshot?.cron, now);
      break;
    }
    case 'help': {
      const max = Math.max(0, help.length - bodyHeight);
      body = <TextPane lines={help} scroll={Math.min(ui.scroll.help, max)} height={bodyHeight} />;
      break;
    }
  }

  if (size.columns < MIN_COLUMNS || size.rows < MIN_ROWS)
    return (
      <Text wrap="truncate">
        {`rqts console needs at least ${MIN_COLUMNS}×${MIN_ROWS}; this terminal is ${size.columns}×${size.rows}: enlarge it (q quits)`}
      </Text>
    );
  const rate = recentRate(poll.rates, now);
  const latest = receipts[receipts.length - 1];
  const shown = statusShown(latest, notice, now);
  const layer = ui.layer;
  return (
    <Box flexDirection="column" width={width}>
      <Header
        width={width}
        display={poll.primary ? `${props.display}, primary ${poll.primary}` : props.display}
        serverVersion={poll.serverVersion}
        latencyMs={snapshot?.latencyMs}
        intervalMs={poll.intervalMs}
        connection={poll.connection}
        since={poll.since}
        lastError={poll.lastError}
        dataAt={snapshot?.takenAt}
        totals={totals}
        finishedRate={rate.finished}
        failedRate={rate.failed}
        finishedSpark={sparkline(
          bucketize(poll.rates, now, 10, sparkWidth, (s) => s.finished),
          sparkWidth,
        )}
        failedSpark={sparkline(
          bucketize(poll.rates, now, 10, sparkWidth, (s) => s.failed),
          sparkWidth,
        )}
        suspended={snapshot?.suspended ?? false}
        readOnly={readOnly}
        note={props.note}
        restart={restartShown ? events.restart?.text : undefined}
        now={now}
      />
      <Tabs screen={ui.screen} extra={tabExtra} />
      {body}
      {layer?.type === 'confirm' ? <ConfirmDialog layer={layer} width={width} /> : null}
      {layer?.type === 'launch' ? (
        <LaunchDialog layer={layer} width={width} python={localState.python} />
      ) : null}
      {layer?.type === 'quit' ? (
        <QuitDialog
          layer={layer}
          running={(local?.running() ?? []).map((w) =>
            w.poolSize === undefined ? w.name : `${w.name} (pool of ${w.poolSize})`,
          )}
        />
      ) : null}
      {layer?.type === 'filter' ? (
        <FilterPrompt layer={layer} active={layer.find ? '' : ui.filters[layer.table].text} />
      ) : null}
      {shown === 'notice' && notice ? (
        <Text wrap="truncate" color="yellow">
          {`${formatClock(new Date(notice.at))} ${notice.text}`}
        </Text>
      ) : (
        <StatusLine receipt={shown === 'receipt' ? latest : undefined} hint={undefined} />
      )}
      {layer?.type === 'quit' && layer.phase === 'stopping' ? (
        <Text> </Text>
      ) : (
        <Footer context={layer?.type ?? ui.screen} readOnly={readOnly} width={width} />
      )}
    </Box>
  );
}
