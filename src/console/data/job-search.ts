import type { Redis } from 'ioredis';
import { jobFields, jobHaystack } from './columns.js';
import { planJobPage, readJobPage, type JobListKind, type JobSummary } from './jobs.js';
import { compileFilter, type Filter } from './table.js';
import { keyOf } from '../keymap.js';

// The jobs filter searches the whole registry, not the page on screen: it pages through
// Redis (LRANGE / ZRANGE, CHUNK ids at a time, then those jobs' hashes), matches each job,
// and reports as it goes ("searched 12,000 of 50,000"). Bounded twice: at most MAX_MATCHES
// kept, and one chunk in flight, so a 50,000-job registry costs a few MB and never blocks
// the screen. A new filter, another queue or registry, or Esc cancels it.

export const CHUNK = 500;
export const MAX_MATCHES = 1000;

export interface SearchRequest {
  queue: string;
  kind: JobListKind;
  filter: Filter;
}

export interface SearchState {
  request: SearchRequest;
  /** Jobs looked at so far, and the registry's size when the search began. */
  scanned: number;
  total: number;
  matches: JobSummary[];
  phase: 'running' | 'done' | 'cancelled' | 'capped' | 'error';
  error: string | undefined;
}

export function sameRequest(a: SearchRequest | undefined, b: SearchRequest | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.queue === b.queue &&
    a.kind === b.kind &&
    a.filter.text === b.filter.text &&
    a.filter.regex === b.filter.regex
  );
}

export class JobSearch {
  private state: SearchState | undefined;
  private generation = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly redis: Redis) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): SearchState | undefined => this.state;

  /** Starts searching (cancelling any other search); the same request again is a no-op. */
  start(request: SearchRequest): void {
    if (sameRequest(this.state?.request, request) && this.state?.phase !== 'cancelled') return;
    const generation = ++this.generation;
    this.set({ request, scanned: 0, total: 0, matches: [], phase: 'running', error: undefined });
    void this.run(request, generation);
  }

  /** Stops a running search, keeping what it found. */
  cancel(): void {
    if (this.state?.phase !== 'running') return;
    this.generation++;
    this.set({ ...this.state, phase: 'cancelled' });
  }

  /** Forgets the search (the filter was cleared). */
  clear(): void {
    this.generation++;
    if (this.state) this.set(undefined);
  }

  private async run(request: SearchRequest, generation: number): Promise<void> {
    const compiled = compileFilter(request.filter);
    const live = (): boolean => generation === this.generation;
    try {
      for (let offset = 0; ; offset += CHUNK) {
        const first = this.redis.pipeline();
        const plan = planJobPage(first, { queue: request.queue, kind: request.kind, offset, limit: CHUNK });
        const r1 = ((await first.exec()) ?? []) as [Error | null, unknown][];
        if (!live()) return;
        const second = this.redis.pipeline();
        const finished = plan.finish(r1, 0, second);
        const r2 = finished.commands > 0 ? (((await second.exec()) ?? []) as [Error | null, unknown][]) : [];
        if (!live()) return;
        const page = readJobPage(finished.plan, r2, 0);
        const found = page.jobs.filter((j) => compiled.test(jobHaystack(j), jobFields(j)));
        const current = this.state;
        if (!current) return;
        const matches = [...current.matches, ...found].slice(0, MAX_MATCHES);
        const scanned = offset + finished.plan.members.length;
        const total = Math.max(page.total, scanned);
        const end = finished.plan.members.length < CHUNK || scanned >= page.total;
        const capped = current.matches.length + found.length >= MAX_MATCHES;
        this.set({
          ...current,
          scanned,
          total,
          matches,
          phase: capped ? 'capped' : end ? 'done' : 'running',
        });
        if (capped || end) return;
        // Let the screen draw and keys arrive between chunks.
        await new Promise((resolve) => setImmediate(resolve));
        if (!live()) return;
      }
    } catch (error) {
      if (live() && this.state) this.set({ ...this.state, phase: 'error', error: (error as Error).message });
    }
  }

  private set(state: SearchState | undefined): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}

/** The tab line's account of a search: how far it got and what "no match" means. */
export function searchSummary(state: SearchState): string {
  const n = state.matches.length;
  const of = `${state.scanned.toLocaleString('en-US')} of ${state.total.toLocaleString('en-US')}`;
  switch (state.phase) {
    case 'running':
      return `searched ${of}… ${n} match${n === 1 ? '' : 'es'} (${keyOf('nav.back')} stops)`;
    case 'done':
      return n === 0
        ? `no match in the registry (searched all ${state.total.toLocaleString('en-US')})`
        : `${n} match${n === 1 ? '' : 'es'} in the whole registry (${state.total.toLocaleString('en-US')} searched)`;
    case 'capped':
      return `first ${n} matches (searched ${of}; narrow the filter for the rest)`;
    case 'cancelled':
      return `stopped: ${n} match${n === 1 ? '' : 'es'} in ${of} searched (${keyOf('nav.back')} clears)`;
    case 'error':
      return `search failed after ${of}: ${state.error ?? '?'}`;
  }
}
