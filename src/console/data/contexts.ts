import type { Redis } from 'ioredis';
import { describeTarget } from '../../redis/connection.js';
import type { ContextSpec } from './context-args.js';
import { RqtsError } from '../../errors.js';
import { ActionCenter, type ActionOptions } from './actions.js';
import { deriveOrphans, deriveQueueRows, deriveTotals, deriveWorkerRows } from './derive.js';
import { JobSearch } from './job-search.js';
import { LocalWorkers, type LocalWorkersOptions } from './local-workers.js';
import { createConsoleClient, Poller, type ConnectionState, type PollerState } from './poller.js';
import { recentRate } from './rates.js';
import { DEFAULT_SLOW, type SlowThresholds } from './runtimes.js';
import { Timeline } from './timeline.js';

export type { ContextSpec } from './context-args.js';

// Several Redis at once (k9s's contexts): each context has its own client, Poller, actions,
// search, timeline and launched workers, so an outage in one never holds up another's poll
// loop. The set keeps which one is on screen and a one-line summary of each for the header
// and the switcher, recomputed whenever that context's poller ticks.

export interface ContextSummary {
  name: string;
  /** The address, password masked. */
  display: string;
  connection: ConnectionState;
  /** Reconnecting or unreachable: the summary says down instead of numbers. */
  down: boolean;
  /** Undefined until the first snapshot. */
  workers: number | undefined;
  busy: number;
  flagged: number;
  failedPerSecond: number;
  finishedPerSecond: number;
  lastError: string | undefined;
  /** When the connection entered its state (ms). */
  since: number;
  /** Ticks so far: tests and the switcher see that a context is still polling. */
  ticks: number;
  /** Frozen with Z (its numbers are from then), possibly while another context is on screen. */
  frozen: boolean;
}

export interface ContextsState {
  active: string;
  summaries: readonly ContextSummary[];
}

export interface ConsoleContext {
  name: string;
  url: string;
  display: string;
  client: Redis;
  poller: Poller;
  actions: ActionCenter;
  search: JobSearch;
  timeline: Timeline;
  /** Workers launched by this console into this context's Redis; none in --read-only. */
  local: LocalWorkers | undefined;
}

export interface ContextOptions {
  intervalMs?: number;
  readOnly?: boolean;
  /** How launched workers start (paths, serializer, builder); the URL is the context's. */
  local?: Omit<LocalWorkersOptions, 'url'>;
  actions?: Omit<ActionOptions, 'isLaunched' | 'signalLaunched' | 'onChanged'>;
}

/** One context's connection and the console parts that live on it; its poller is not started. */
export function createContext(spec: ContextSpec, options: ContextOptions = {}): ConsoleContext {
  const client = createConsoleClient(spec.url);
  const poller = new Poller(client, { intervalMs: options.intervalMs });
  const local = options.readOnly ? undefined : new LocalWorkers({ ...options.local, url: spec.url });
  const actions = new ActionCenter(client, {
    ...options.actions,
    isLaunched: (name) => local?.names().has(name) ?? false,
    signalLaunched: (name, signal) => local?.signal(name, signal) ?? false,
    onChanged: () => poller.refreshNow(),
  });
  return {
    name: spec.name,
    url: spec.url,
    display: describeTarget(spec.url),
    client,
    poller,
    actions,
    search: new JobSearch(client),
    timeline: new Timeline(poller),
    local,
  };
}

/** One context's line: its state as the header's summary and the switcher show it. */
export function summarize(
  context: Pick<ConsoleContext, 'name' | 'display' | 'timeline'>,
  poll: PollerState,
  slow: SlowThresholds = DEFAULT_SLOW,
): ContextSummary {
  const down = poll.connection === 'reconnecting' || poll.connection === 'unreachable';
  const snapshot = poll.snapshot;
  let workers: number | undefined;
  let busy = 0;
  let flagged = 0;
  if (snapshot) {
    const rows = deriveWorkerRows(
      snapshot,
      snapshot.takenAt,
      new Set(),
      new Set(),
      context.timeline.getState().lastQueues,
      { stats: (func) => poll.runtimes.stats(func), thresholds: slow },
    );
    const queues = deriveQueueRows(snapshot, rows, snapshot.takenAt);
    const totals = deriveTotals(rows, queues, deriveOrphans(snapshot, rows, snapshot.takenAt));
    workers = totals.workers;
    busy = totals.byState.busy ?? 0;
    flagged = totals.flagged;
  }
  const rate = recentRate(poll.rates, snapshot?.takenAt ?? Date.now());
  return {
    name: context.name,
    display: poll.primary ? `${context.display}, primary ${poll.primary}` : context.display,
    connection: poll.connection,
    down,
    workers,
    busy,
    flagged,
    failedPerSecond: rate.failed,
    finishedPerSecond: rate.finished,
    lastError: poll.lastError,
    since: poll.since,
    ticks: poll.ticks,
    frozen: poll.frozenAt !== undefined,
  };
}

/**
 * The contexts of one console and which one is on screen. Every poller runs from start()
 * to stop() whichever is shown, each on its own timer: a context whose Redis hangs or is
 * gone delays only its own next tick.
 */
export class ContextSet {
  private state: ContextsState;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    readonly contexts: readonly ConsoleContext[],
    private readonly slow: SlowThresholds = DEFAULT_SLOW,
  ) {
    const first = contexts[0];
    if (!first) throw new RqtsError('BAD_ARGUMENT', 'No Redis to watch', 'Give -u URL (repeatable)');
    this.state = {
      active: first.name,
      summaries: contexts.map((c) => summarize(c, c.poller.getState(), slow)),
    };
    contexts.forEach((context, i) => {
      this.unsubscribes.push(
        context.poller.subscribe(() => {
          const summaries = [...this.state.summaries];
          summaries[i] = summarize(context, context.poller.getState(), this.slow);
          this.state = { ...this.state, summaries };
          this.emit();
        }),
      );
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): ContextsState => this.state;

  get(name: string): ConsoleContext | undefined {
    return this.contexts.find((c) => c.name === name);
  }

  active(): ConsoleContext {
    return this.get(this.state.active) ?? (this.contexts[0] as ConsoleContext);
  }

  /** Puts another context on screen; false if there is none of that name. */
  switchTo = (name: string): boolean => {
    const context = this.get(name);
    if (!context) return false;
    if (name !== this.state.active) {
      // The page and detail it read were for the screen just left.
      this.active().poller.setRequest({});
      this.state = { ...this.state, active: name };
      this.emit();
    }
    // Its poller has kept running: what it shows now is at most one interval old.
    context.poller.refreshNow();
    return true;
  };

  start(): void {
    for (const context of this.contexts) context.poller.start();
  }

  stop(): void {
    for (const context of this.contexts) context.poller.stop();
  }

  /** Stops every poller and closes every connection (launched workers are the caller's). */
  close(): void {
    this.stop();
    for (const off of this.unsubscribes.splice(0)) off();
    for (const context of this.contexts) {
      context.timeline.close();
      context.client.disconnect();
    }
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** What the app is given about the contexts: plain state and one callback. */
export interface ContextsView {
  state: ContextsState;
  switchTo: (name: string) => void;
}
