import { deriveOrphans, deriveWorkerRows, ORPHAN_TEXT, type WorkerFlag, type WorkerRow } from './derive.js';
import type { PollerState } from './poller.js';
import type { Receipt } from './actions.js';
import type { Snapshot } from './snapshot.js';
import { escapeControl, formatClock } from '../text.js';
import { workerFlagsText } from './columns.js';
import { horseDeathOf } from './death.js';

// What the console saw happen, in order: workers appearing and vanishing, flags raised and
// cleared, jobs orphaned, Redis restarts and outages, and every receipt and notice. It
// watches the poller itself (one comparison per snapshot), so the screens stay pure.
// It also remembers each worker's queues, so a ghost row keeps them.

export type EventKind = 'worker' | 'flag' | 'job' | 'redis' | 'action' | 'notice';

export interface TimelineEvent {
  seq: number;
  at: number;
  kind: EventKind;
  tone: 'normal' | 'good' | 'warn' | 'bad';
  text: string;
}

export interface TimelineState {
  events: readonly TimelineEvent[];
  /** Each worker's queues when last seen with a hash. */
  lastQueues: ReadonlyMap<string, readonly string[]>;
  /** The latest Redis restart, for the banner. */
  restart: { at: number; text: string } | undefined;
}

const MAX_EVENTS = 2000;
const QUIET_FLAGS: ReadonlySet<WorkerFlag> = new Set(['stopping']);

interface Subscribable {
  subscribe(listener: () => void): () => void;
  getState(): PollerState;
  /** Reads a job's failure text, so a horse's death can be told with its reason. */
  failureText?: (jobId: string) => Promise<string | undefined>;
}

/** Failure texts read per snapshot at most: a mass failure must not flood Redis. */
const DEATH_LOOKUPS_PER_SNAPSHOT = 20;

export class Timeline {
  private state: TimelineState = { events: [], lastQueues: new Map(), restart: undefined };
  private readonly listeners = new Set<() => void>();
  private seq = 0;
  private previous: { snapshot: Snapshot; rows: Map<string, WorkerRow>; orphans: Set<string> } | undefined;
  private runId: string | undefined;
  private connection: PollerState['connection'] | undefined;
  private primary: string | undefined;
  private ticks = -1;
  private readonly receiptPhases = new Map<number, string>();
  private unsubscribe: (() => void) | undefined;
  private readonly deathsLookedUp = new Set<string>();
  private lookupsThisSnapshot = 0;

  constructor(private readonly poller?: Subscribable) {
    if (poller) this.unsubscribe = poller.subscribe(() => this.observe(poller.getState()));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): TimelineState => this.state;

  close(): void {
    this.unsubscribe?.();
  }

  add(kind: EventKind, text: string, tone: TimelineEvent['tone'] = 'normal', at = Date.now()): void {
    const event: TimelineEvent = { seq: ++this.seq, at, kind, tone, text };
    const events =
      this.state.events.length >= MAX_EVENTS ? this.state.events.slice(-(MAX_EVENTS - 1)) : this.state.events;
    this.state = { ...this.state, events: [...events, event] };
    this.emit();
  }

  /** Receipts enter the timeline when they end (one line each, with their outcome). */
  observeReceipts(receipts: readonly Receipt[]): void {
    for (const r of receipts) {
      if (r.phase === 'running' || this.receiptPhases.get(r.seq) === r.phase) continue;
      this.receiptPhases.set(r.seq, r.phase);
      this.add(
        'action',
        r.message,
        r.phase === 'done' ? 'good' : r.phase === 'no-effect' ? 'warn' : 'bad',
        r.endedAt ?? Date.now(),
      );
    }
  }

  observe(poll: PollerState): void {
    if (poll.ticks === this.ticks) return;
    this.ticks = poll.ticks;
    if (poll.connection !== this.connection) {
      if (poll.connection === 'reconnecting' || poll.connection === 'unreachable')
        this.add(
          'redis',
          `Redis unreachable (${escapeControl(poll.lastError ?? 'no answer')})`,
          'bad',
          poll.since,
        );
      else if (
        poll.connection === 'ready' &&
        this.connection !== undefined &&
        this.connection !== 'connecting'
      )
        this.add('redis', 'Redis reachable again', 'good', poll.since);
      this.connection = poll.connection;
    }
    if (poll.primary !== undefined && poll.primary !== this.primary) {
      if (this.primary !== undefined)
        this.add(
          'redis',
          `Sentinel failover: primary is now ${escapeControl(poll.primary)} (was ${escapeControl(this.primary)})`,
          'warn',
        );
      this.primary = poll.primary;
    }
    const snapshot = poll.snapshot;
    if (!snapshot || snapshot === this.previous?.snapshot) return;
    this.noticeRestart(snapshot);
    const rows = deriveWorkerRows(snapshot, snapshot.takenAt, new Set(), new Set(), this.state.lastQueues);
    const byName = new Map(rows.map((r) => [r.name, r]));
    const lastQueues = new Map(this.state.lastQueues);
    for (const r of rows) if (!r.ghost) lastQueues.set(r.name, r.queues);
    const orphans = deriveOrphans(snapshot, rows, snapshot.takenAt);
    const orphanIds = new Set(orphans.map((o) => o.id));
    const before = this.previous;
    this.lookupsThisSnapshot = 0;
    if (before) {
      for (const r of rows) {
        const old = before.rows.get(r.name);
        if (!old) {
          this.add(
            'worker',
            `worker ${escapeControl(r.name)} appeared (${escapeControl(r.queues.join(','))})`,
            'good',
            snapshot.takenAt,
          );
          continue;
        }
        this.compareFlags(old, r, snapshot.takenAt);
      }
      for (const [name, old] of before.rows)
        if (!byName.has(name))
          this.add(
            'worker',
            `worker ${escapeControl(name)} vanished (was ${escapeControl(old.state)})`,
            old.ghost ? 'normal' : 'warn',
            snapshot.takenAt,
          );
      for (const o of orphans)
        if (!before.orphans.has(o.id))
          this.add(
            'job',
            `job ${escapeControl(o.id)} ORPHANED on ${escapeControl(o.queue)}: ${ORPHAN_TEXT[o.reason]}${o.workerName ? ` (${escapeControl(o.workerName)})` : ''}`,
            'bad',
            snapshot.takenAt,
          );
      for (const id of before.orphans)
        if (!orphanIds.has(id))
          this.add('job', `job ${escapeControl(id)} no longer orphaned`, 'good', snapshot.takenAt);
    }
    this.state = { ...this.state, lastQueues };
    this.previous = { snapshot, rows: byName, orphans: orphanIds };
    this.emit();
  }

  private compareFlags(old: WorkerRow, now: WorkerRow, at: number): void {
    const name = escapeControl(now.name);
    if (!old.ghost && now.ghost) {
      this.add('worker', `worker ${name} became a ghost (hash gone, still listed)`, 'bad', at);
      return;
    }
    const raised = now.flags.filter((f) => !old.flags.includes(f) && !QUIET_FLAGS.has(f));
    const cleared = old.flags.filter((f) => !now.flags.includes(f) && !QUIET_FLAGS.has(f));
    if (raised.length > 0) this.add('flag', `${name}: ${workerFlagsText(raised)} raised`, 'bad', at);
    if (cleared.length > 0) this.add('flag', `${name}: ${workerFlagsText(cleared)} cleared`, 'good', at);
    // A job that left a worker without finishing through it: killed, stopped or lost.
    if (
      old.currentJobId &&
      old.currentJobId !== now.currentJobId &&
      old.job?.status === 'started' &&
      now.flags.includes('dead')
    )
      this.add('job', `${name} died while running job ${escapeControl(old.currentJobId)}`, 'bad', at);
    // A job left the worker as a failure: if its horse died, say why (rqts tells the reason).
    if (old.currentJobId && old.currentJobId !== now.currentJobId && now.failed > old.failed)
      this.lookUpHorseDeath(old.currentJobId, now.name, at);
  }

  private lookUpHorseDeath(jobId: string, worker: string, at: number): void {
    const read = this.poller?.failureText;
    if (!read || this.deathsLookedUp.has(jobId) || this.lookupsThisSnapshot >= DEATH_LOOKUPS_PER_SNAPSHOT)
      return;
    this.lookupsThisSnapshot++;
    this.deathsLookedUp.add(jobId);
    if (this.deathsLookedUp.size > MAX_EVENTS) this.deathsLookedUp.clear();
    void read(jobId)
      .then((text) => {
        const death = horseDeathOf(text);
        if (death)
          this.add(
            'job',
            `horse of ${escapeControl(worker)} died running job ${escapeControl(jobId)}: ${escapeControl(death)}`,
            'bad',
            at,
          );
      })
      .catch(() => undefined);
  }

  private noticeRestart(snapshot: Snapshot): void {
    const runId = snapshot.server?.runId;
    if (!runId) return;
    const before = this.previous?.snapshot;
    if (this.runId !== undefined && runId !== this.runId && before) {
      const names = new Set(snapshot.workers.map((w) => w.name));
      const queues = new Set(snapshot.queues.map((q) => q.name));
      const lostWorkers = before.workers.filter((w) => !names.has(w.name)).length;
      const lostQueues = before.queues.filter((q) => !queues.has(q.name)).length;
      const startedAt =
        snapshot.server?.uptimeSeconds === undefined
          ? snapshot.takenAt
          : snapshot.takenAt - snapshot.server.uptimeSeconds * 1000;
      const text =
        `Redis restarted at ${formatClock(new Date(startedAt))}; ${lostWorkers} worker${lostWorkers === 1 ? '' : 's'} and ` +
        `${lostQueues} queue${lostQueues === 1 ? '' : 's'} vanished with it${lostWorkers + lostQueues > 0 ? ' (no persistence?)' : ''}`;
      this.state = { ...this.state, restart: { at: snapshot.takenAt, text } };
      this.add('redis', text, 'bad', snapshot.takenAt);
    }
    this.runId = runId;
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
