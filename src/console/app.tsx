import React from 'react';
import { Box, Text } from 'ink';
import type { Poller } from './data/poller.js';
import type { ActionCenter } from './data/actions.js';
import type { LocalWorkers } from './data/local-workers.js';
import type { SlowThresholds } from './data/runtimes.js';
import type { Timeline } from './data/timeline.js';
import type { FunctionCheck } from './data/function-check.js';
import type { JobSearch } from './data/job-search.js';
import { bucketize, recentRate } from './data/rates.js';
import { hintKey, keyOf } from './keymap.js';
import { selectedIndex } from './selectors.js';
import type { ParsedLaunch } from './ui-state.js';
import { formatClock, sparkline } from './text.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';
import { useScrollWindows } from './hooks/useScrollWindows.js';
import { useUiState } from './hooks/useUiState.js';
import { useConsoleData } from './hooks/useConsoleData.js';
import { useScreenText } from './hooks/useScreenText.js';
import { useModel } from './hooks/useModel.js';
import { useJobRequests } from './hooks/useJobRequests.js';
import { useControllerContext, type ExitOutcome } from './hooks/useControllerContext.js';
import { useKeyDispatch } from './hooks/useKeyDispatch.js';
import { consoleLayout, MIN_COLUMNS, MIN_ROWS } from './hooks/layout.js';
import { Header } from './views/Header.js';
import { ContextSwitcher } from './views/ContextSwitcher.js';
import type { ContextsView } from './data/contexts.js';
import { Footer } from './views/Footer.js';
import { StatusLine, statusShown } from './views/StatusLine.js';
import { ConfirmDialog, FilterPrompt, LaunchDialog, QuitDialog, SortPrompt } from './views/Dialogs.js';
import { WorkersScreen } from './views/WorkersScreen.js';
import { QueuesScreen } from './views/QueuesScreen.js';
import { JobsScreen } from './views/JobsScreen.js';
import { DetailScreen } from './views/DetailScreen.js';
import { LogsScreen } from './views/LogsScreen.js';
import { EventsScreen } from './views/EventsScreen.js';
import { CronScreen } from './views/CronScreen.js';
import { HelpScreen } from './views/HelpScreen.js';

export type { ExitOutcome } from './hooks/useControllerContext.js';
export { MIN_COLUMNS, MIN_ROWS } from './hooks/layout.js';

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
  /** Several Redis at once: the context on screen, every context's summary, the switch. */
  contexts?: ContextsView;
}

// The console's frame: the data hooks feed one screen component, the dialogs, the status
// line and the footer; keys go through the controller (useKeyDispatch).
export function ConsoleApp(props: ConsoleAppProps): React.JSX.Element {
  const { poller, local, readOnly } = props;
  const size = useTerminalSize();
  const data = useConsoleData(props);
  const { poll, receipts, localState, events, now, allWorkers, allQueues, totals, restartShown } = data;
  const { ui, uiRef, dispatch } = useUiState();
  const snapshot = poll.snapshot;
  const bannerShown =
    (poll.connection !== 'ready' && poll.connection !== 'connecting') ||
    (poll.connection === 'connecting' && !totals) ||
    Boolean(snapshot?.suspended) ||
    restartShown;
  const summaries = props.contexts?.state.summaries;
  const { width, bodyHeight, pageSize, sparkWidth, tooSmall } = consoleLayout(
    size,
    ui,
    bannerShown,
    summaries?.length ?? 0,
  );
  const text = useScreenText(ui, data, width, readOnly);
  const { inputs, model } = useModel(ui, data, text, pageSize);
  useJobRequests(poller, props.search, ui, model, pageSize);
  const controller = useControllerContext(props, data, ui, dispatch, model, bodyHeight, text);
  const { notice } = controller;
  const ctx = props.contexts ? { ...controller.ctx, contexts: props.contexts } : controller.ctx;
  useKeyDispatch(ctx, uiRef, inputs);
  const windows = useScrollWindows(
    {
      workers: { cursor: selectedIndex(ui, 'workers', model), total: model.workers.length },
      queues: { cursor: selectedIndex(ui, 'queues', model), total: model.queues.length },
      logs: { cursor: selectedIndex(ui, 'logs', model), total: model.logs.length },
    },
    bodyHeight - 1,
  );

  if (tooSmall)
    return (
      <Text wrap="truncate">
        {`rqts console needs at least ${MIN_COLUMNS}×${MIN_ROWS}; this terminal is ${size.columns}×${size.rows}: enlarge it (${keyOf('app.quit')} quits)`}
      </Text>
    );
  const loading = snapshot === undefined;
  // Hints name a key only when pressing it would do something here.
  const launchKey = local !== undefined ? hintKey('action.launch', { readOnly }) : undefined;
  const frame = { ui, width, height: bodyHeight, now, loading };
  let screen: React.JSX.Element;
  switch (ui.screen) {
    case 'workers':
      screen = (
        <WorkersScreen
          {...frame}
          rows={model.workers}
          total={allWorkers.length}
          error={model.workersError}
          window={windows.workers}
          launchKey={launchKey}
        />
      );
      break;
    case 'queues':
      screen = (
        <QueuesScreen
          {...frame}
          rows={model.queues}
          total={allQueues.length}
          error={model.queuesError}
          window={windows.queues}
        />
      );
      break;
    case 'jobs':
      screen = (
        <JobsScreen
          {...frame}
          model={model}
          cursor={selectedIndex(ui, 'jobs', model)}
          pageSize={pageSize}
          orphans={data.orphanMap}
          queueRow={allQueues.find((q) => q.name === model.jobs.queue)}
        />
      );
      break;
    case 'detail':
      screen = <DetailScreen lines={text.detail} scroll={ui.scroll.detail} height={bodyHeight} />;
      break;
    case 'logs':
      screen = (
        <LogsScreen
          ui={ui}
          lines={model.logs}
          window={windows.logs}
          width={width}
          height={bodyHeight}
          launchedAny={localState.workers.length > 0}
          logDir={localState.logDir}
          launchKey={launchKey}
        />
      );
      break;
    case 'events':
      screen = <EventsScreen ui={ui} lines={text.events} events={events.events} height={bodyHeight} />;
      break;
    case 'cron':
      screen = (
        <CronScreen
          lines={text.cron}
          cron={snapshot?.cron}
          scroll={ui.scroll.cron}
          height={bodyHeight}
          now={now}
        />
      );
      break;
    case 'help':
      screen = <HelpScreen lines={text.help} scroll={ui.scroll.help} height={bodyHeight} />;
      break;
  }

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
        pace={poll.paceReason}
        frozenAt={poll.frozenAt}
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
        context={props.contexts?.state.active}
        summaries={summaries}
      />
      {screen}
      {layer?.type === 'confirm' ? <ConfirmDialog layer={layer} width={width} /> : null}
      {layer?.type === 'launch' ? (
        <LaunchDialog layer={layer} width={width} python={localState.python} />
      ) : null}
      {layer?.type === 'switcher' && props.contexts ? (
        <ContextSwitcher
          summaries={props.contexts.state.summaries}
          active={props.contexts.state.active}
          cursor={layer.cursor}
          width={width}
        />
      ) : null}
      {layer?.type === 'quit' ? (
        <QuitDialog
          layer={layer}
          running={(local?.running() ?? []).map((w) =>
            w.poolSize === undefined ? w.name : `${w.name} (pool of ${w.poolSize})`,
          )}
        />
      ) : null}
      {layer?.type === 'sort' ? (
        <SortPrompt layer={layer} sort={ui.sorts[layer.table]} kind={ui.jobs.kind} />
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
