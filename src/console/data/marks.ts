import type { JobListKind } from './jobs.js';
import type { Filter } from './table.js';
import { keyOf } from '../keymap.js';

// Marked rows of the jobs screen, for bulk actions: ids marked one by one (Space), or every
// job of the list that matches the filter in force (*), which the bulk action reads from
// Redis when it runs (it may be far more than the page on screen). Marks belong to one
// queue's list: another queue or registry starts unmarked.

export interface Marks {
  queue: string | undefined;
  kind: JobListKind | undefined;
  ids: readonly string[];
  /** Every job matching this filter (the empty filter: the whole list). */
  all: Filter | undefined;
}

export const NO_MARKS: Marks = { queue: undefined, kind: undefined, ids: [], all: undefined };

export function hasMarks(marks: Marks): boolean {
  return marks.all !== undefined || marks.ids.length > 0;
}

export function toggleMark(marks: Marks, queue: string, kind: JobListKind, id: string): Marks {
  const same = marks.queue === queue && marks.kind === kind && marks.all === undefined;
  const ids = same ? marks.ids : [];
  return {
    queue,
    kind,
    all: undefined,
    ids: ids.includes(id) ? ids.filter((m) => m !== id) : [...ids, id],
  };
}

export function markAll(queue: string, kind: JobListKind, filter: Filter): Marks {
  return { queue, kind, ids: [], all: filter };
}

export function isMarked(marks: Marks, id: string): boolean {
  return marks.all !== undefined || marks.ids.includes(id);
}

/** The tab line's note: how many are marked, and how to unmark. */
export function marksSummary(marks: Marks, total: number): string {
  if (marks.all !== undefined)
    return marks.all.text
      ? ` · all matching /${marks.all.text}/ marked (${keyOf('jobs.markAll')} or ${keyOf('nav.back')} unmarks)`
      : ` · all ${total.toLocaleString('en-US')} marked (${keyOf('jobs.markAll')} or ${keyOf('nav.back')} unmarks)`;
  return marks.ids.length > 0 ? ` · ${marks.ids.length} marked (${keyOf('nav.back')} unmarks)` : '';
}
