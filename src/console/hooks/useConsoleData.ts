import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Poller, PollerState } from '../data/poller.js';
import type { ActionCenter, Receipt } from '../data/actions.js';
import type { LocalWorkers, LocalWorkersState } from '../data/local-workers.js';
import { DEFAULT_SLOW, type SlowThresholds } from '../data/runtimes.js';
import {
  deriveOrphans,
  deriveQueueRows,
  deriveTotals,
  deriveWorkerRows,
  type OrphanedJob,
  type QueueRow,
  type Totals,
  type WorkerRow,
} from '../data/derive.js';
import { Timeline, type TimelineState } from '../data/timeline.js';
import type { JobSearch, SearchState } from '../data/job-search.js';

const EMPTY_LOCAL: LocalWorkersState = {
  workers: [],
  lines: [],
  logDir: undefined,
  python: { status: 'unknown' },
};
const noSubscribe = (): (() => void) => () => undefined;
const emptyLocal = (): LocalWorkersState => EMPTY_LOCAL;
const noSearch = (): SearchState | undefined => undefined;
/** How long the "Redis restarted" banner stays (the timeline keeps it). */
const RESTART_BANNER_MS = 5 * 60_000;

export interface ConsoleDataSources {
  poller: Poller;
  actions: ActionCenter;
  local: LocalWorkers | undefined;
  /** What the console saw happen; one is made from the poller when not given. */
  timeline?: Timeline;
  slow?: SlowThresholds;
  search?: JobSearch;
}

export interface ConsoleData {
  poll: PollerState;
  receipts: readonly Receipt[];
  localState: LocalWorkersState;
  timeline: Timeline;
  events: TimelineState;
  /** The snapshot's time, or the mount time before the first snapshot. */
  now: number;
  slowThresholds: SlowThresholds;
  allWorkers: WorkerRow[];
  allQueues: QueueRow[];
  orphanMap: ReadonlyMap<string, OrphanedJob>;
  totals: Totals | undefined;
  restartShown: boolean;
  /** The registry search's state, when this console has a search. */
  search: { state: SearchState | undefined } | undefined;
}

/** Everything the console reads from its sources, and the rows derived from it. */
export function useConsoleData(sources: ConsoleDataSources): ConsoleData {
  const { poller, actions, local } = sources;
  const poll = useSyncExternalStore(poller.subscribe, poller.getState);
  const receipts = useSyncExternalStore(actions.subscribe, actions.getState);
  const localState = useSyncExternalStore(local?.subscribe ?? noSubscribe, local?.getState ?? emptyLocal);
  const [timeline] = useState(() => sources.timeline ?? new Timeline(poller));
  const events = useSyncExternalStore(timeline.subscribe, timeline.getState);
  useEffect(() => timeline.observeReceipts(receipts), [timeline, receipts]);
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
  const trends = poll.trends;
  const runtimesVersion = poll.runtimesVersion;
  const slowThresholds = sources.slow ?? DEFAULT_SLOW;
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
    // The trends are recorded with each snapshot: a new snapshot is a new trend.
    () => (snapshot ? deriveQueueRows(snapshot, allWorkers, snapshot.takenAt, trends) : []),
    [snapshot, allWorkers, trends],
  );
  const totals = useMemo(
    () => (snapshot ? deriveTotals(allWorkers, allQueues, orphans) : undefined),
    [snapshot, allWorkers, allQueues, orphans],
  );
  const restartShown = events.restart !== undefined && now - events.restart.at < RESTART_BANNER_MS;
  const searchState = useSyncExternalStore(
    sources.search?.subscribe ?? noSubscribe,
    sources.search?.getState ?? noSearch,
  );
  const search = useMemo(
    () => (sources.search ? { state: searchState } : undefined),
    [sources.search, searchState],
  );
  return {
    poll,
    receipts,
    localState,
    timeline,
    events,
    now,
    slowThresholds,
    allWorkers,
    allQueues,
    orphanMap,
    totals,
    restartShown,
    search,
  };
}
