import { Redis } from 'ioredis';
import { connectedAddress, failoverOptions, parseRedisUrl } from '../../redis/connection.js';
import { readSnapshot, type Snapshot, type SnapshotRequest } from './snapshot.js';
import { countersOf, pushSample, rateBetween, type Counters, type RateSample } from './rates.js';
import type { JobPageRequest } from './jobs.js';
import { RuntimeBook } from './runtimes.js';
import { QueueTrends } from './queue-trends.js';
import { refreshPace, type RefreshPace } from './refresh-budget.js';
import { sampleFinishedRuns } from './runtime-sampler.js';
import { latestResult } from '../../model/results.js';
import { decompress } from '../../model/serializer.js';
import { keys } from '../../redis/keys.js';

// One poller per console: reads a snapshot per tick, never two at once (a slow Redis
// delays the next tick instead of piling requests up), and owns the connection state.

export type ConnectionState = 'connecting' | 'ready' | 'reconnecting' | 'unreachable';

export interface PollerState {
  connection: ConnectionState;
  /** When the connection entered its current state (ms). */
  since: number;
  lastError: string | undefined;
  snapshot: Snapshot | undefined;
  serverVersion: string | undefined;
  rates: RateSample[];
  ticks: number;
  /** The interval in use: the asked one, or longer at scale (see refresh-budget.ts). */
  intervalMs: number;
  /** The interval asked for (`--interval`). */
  askedIntervalMs: number;
  paceReason: RefreshPace['reason'];
  /** While frozen (the `Z` key), no periodic refresh: when it froze (ms). */
  frozenAt: number | undefined;
  /** Per-queue backlog and rates over the last minutes. */
  trends: QueueTrends;
  trendsVersion: number;
  /** Behind Sentinel: the primary's address now (it changes with a failover). */
  primary?: string;
  /** Usual run times per function, learnt from finished jobs (the SLOW flag). */
  runtimes: RuntimeBook;
  /** The book's version when this state was made: a memo key for views. */
  runtimesVersion: number;
}

export interface PollerOptions {
  intervalMs?: number;
  /** Debug sink for "from -> to" connection transitions. */
  log?: (line: string) => void;
}

/**
 * The console's own client: fail fast while disconnected (no offline queue, a command
 * timeout) so the header can say "unreachable" instead of freezing, and reconnect forever.
 */
export function createConsoleClient(url: string): Redis {
  const { options } = parseRedisUrl(url);
  const client = new Redis({
    ...options,
    lazyConnect: true,
    connectionName: 'rqts-console',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    commandTimeout: 5000,
    retryStrategy: (times) => Math.min(250 * times, 2000),
    ...failoverOptions(options, true),
  });
  client.on('error', () => undefined);
  client.connect().catch(() => undefined);
  return client;
}

class StaleRead extends Error {}

/** ioredis statuses before its first 'ready': the socket is on its way, not lost. */
const FIRST_CONNECT: ReadonlySet<string> = new Set(['wait', 'connecting', 'connect']);

export class Poller {
  private state: PollerState;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private rerun = false;
  private stopped = true;
  private counters: Counters | undefined;
  private request: SnapshotRequest = {};
  private readonly log: (line: string) => void;
  /** The socket's own complaint (ECONNREFUSED…), more telling than the command's error. */
  private socketError: string | undefined;
  /** INFO server is read again after every (re)connection: a restart changes its run_id. */
  private infoWanted = true;
  /** Counts connections: a snapshot read across a reconnect may come from a new server. */
  private epoch = 0;
  private readMsAverage: number | undefined;

  constructor(
    private readonly redis: Redis,
    options: PollerOptions = {},
  ) {
    this.log = options.log ?? (() => undefined);
    redis.on('error', (error: Error) => {
      this.socketError = error.message.split('\n')[0];
    });
    redis.on('ready', () => {
      this.socketError = undefined;
      this.infoWanted = true;
      this.epoch++;
      // The first poll may have run before the socket was up: draw as soon as it is.
      if (this.state.connection === 'connecting') this.refreshNow();
    });
    this.state = {
      connection: 'connecting',
      since: Date.now(),
      lastError: undefined,
      snapshot: undefined,
      serverVersion: undefined,
      rates: [],
      ticks: 0,
      intervalMs: options.intervalMs ?? 1000,
      askedIntervalMs: options.intervalMs ?? 1000,
      paceReason: undefined,
      frozenAt: undefined,
      trends: new QueueTrends(),
      trendsVersion: 0,
      runtimes: new RuntimeBook(),
      runtimesVersion: 0,
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): PollerState => this.state;

  /** A job's failure text (its latest result, else RQ 1.x's exc_info); undefined if none. */
  failureText = async (jobId: string): Promise<string | undefined> => {
    const result = await latestResult(this.redis, jobId).catch(() => undefined);
    if (result?.excString) return result.excString;
    const excInfo = await this.redis.hgetBuffer(keys.job(jobId), 'exc_info');
    if (!excInfo || excInfo.length === 0) return undefined;
    try {
      return decompress(excInfo).toString('utf8');
    } catch {
      return undefined;
    }
  };

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Freezing stops the periodic refresh so the picture holds still while someone reads it;
   * what they ask for (a refresh, another page, an action's effect) still loads.
   */
  setFrozen(frozen: boolean): void {
    if (frozen === (this.state.frozenAt !== undefined)) return;
    this.state = { ...this.state, frozenAt: frozen ? Date.now() : undefined };
    if (frozen) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.emit();
    } else this.refreshNow();
  }

  /** What the screen needs beyond the base snapshot; a change refreshes at once. */
  setRequest(request: { jobPage?: JobPageRequest; detailJobId?: string }): void {
    const same =
      JSON.stringify(request.jobPage) === JSON.stringify(this.request.jobPage) &&
      request.detailJobId === this.request.detailJobId;
    this.request = { jobPage: request.jobPage, detailJobId: request.detailJobId };
    if (!same) this.refreshNow();
  }

  /** Starts a tick now, or right after the running one (never two at once). */
  refreshNow(): void {
    if (this.stopped) return;
    if (this.inFlight) {
      this.rerun = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    void this.tick();
  }

  /** Resolves after the next completed tick (used after actions and by tests). */
  nextTick(): Promise<PollerState> {
    return new Promise((resolve) => {
      const ticks = this.state.ticks;
      const off = this.subscribe(() => {
        if (this.state.ticks > ticks) {
          off();
          resolve(this.state);
        }
      });
      this.refreshNow();
    });
  }

  private setConnection(next: ConnectionState, error?: string): void {
    const previous = this.state.connection;
    if (previous !== next) {
      this.log(`redis connection ${previous} -> ${next}${error ? ` (${error})` : ''}`);
      this.state = { ...this.state, connection: next, since: Date.now(), lastError: error };
    } else if (error !== undefined) {
      this.state = { ...this.state, lastError: error };
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.inFlight = true;
    const began = Date.now();
    let stale = false;
    try {
      const wantVersion =
        this.infoWanted || this.state.connection !== 'ready' || this.state.serverVersion === undefined;
      this.infoWanted = false;
      const epoch = this.epoch;
      const snapshot = await readSnapshot(this.redis, { ...this.request, wantVersion }).catch(
        (error: unknown) => {
          if (wantVersion) this.infoWanted = true;
          throw error;
        },
      );
      // ioredis resends unanswered commands after reconnecting: this read may be half from a
      // restarted server, without the INFO that tells. Read again, INFO included.
      if (epoch !== this.epoch && !wantVersion) throw new StaleRead();
      // Run times are a hint, not the picture: a failed sample leaves the book as it was.
      await sampleFinishedRuns(
        this.redis,
        snapshot.queues.map((q) => q.name),
        this.state.runtimes,
      ).catch(() => undefined);
      this.setConnection('ready');
      const counters = countersOf(snapshot);
      let rates = this.state.rates;
      if (this.counters)
        rates = pushSample(rates, { at: snapshot.takenAt, ...rateBetween(this.counters, counters) });
      this.counters = counters;
      this.state.trends.record(snapshot.queues, snapshot.takenAt);
      // A read's time is noisy (GC, a busy machine): pace by a moving average of it.
      this.readMsAverage =
        this.readMsAverage === undefined
          ? snapshot.durationMs
          : 0.7 * this.readMsAverage + 0.3 * snapshot.durationMs;
      const pace = refreshPace(this.state.askedIntervalMs, snapshot.commands, this.readMsAverage);
      this.state = {
        ...this.state,
        intervalMs: pace.intervalMs,
        paceReason: pace.reason,
        trendsVersion: this.state.trends.version,
        snapshot,
        rates,
        serverVersion: snapshot.serverVersion ?? this.state.serverVersion,
        ticks: this.state.ticks + 1,
        runtimesVersion: this.state.runtimes.version,
        primary: this.redis.options.sentinels ? connectedAddress(this.redis) : undefined,
      };
    } catch (error) {
      if (error instanceof StaleRead) {
        stale = true;
        this.rerun = true;
      } else this.recordFailure(error);
    } finally {
      this.inFlight = false;
    }
    if (!stale) this.emit();
    if (this.stopped) return;
    if (this.rerun) {
      this.rerun = false;
      void this.tick();
      return;
    }
    if (this.state.frozenAt !== undefined) return;
    const wait = Math.max(50, this.state.intervalMs - (Date.now() - began));
    this.timer = setTimeout(() => void this.tick(), wait);
  }

  private recordFailure(error: unknown): void {
    const raw = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    // ioredis's "Stream isn't writeable…" only says we are offline; say why, if the socket told us.
    const offline = /Stream isn't writeable|Connection is closed|enableOfflineQueue/i.test(raw);
    const message = offline ? (this.socketError ?? 'connection lost') : raw;
    // The first connection is still being made (the poll ran before the socket was up): that
    // is "connecting", not an outage, and the 'ready' event polls again at once.
    if (offline && this.state.connection === 'connecting' && FIRST_CONNECT.has(this.redis.status)) {
      this.state = { ...this.state, ticks: this.state.ticks + 1 };
      return;
    }
    this.setConnection(
      this.redis.status === 'reconnecting' || this.redis.status === 'connecting'
        ? 'reconnecting'
        : 'unreachable',
      message,
    );
    // Counter deltas across an outage would show a bogus spike.
    this.counters = undefined;
    this.state.trends.forgetCounters();
    this.state = { ...this.state, ticks: this.state.ticks + 1 };
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
