// One selection model for every list (workers, queues, jobs, logs). The cursor is kept
// by identity (a worker name, a job id): when a tick reorders or filters the rows, the
// cursor stays on the same worker, not on the same row number. When that row is gone
// it stays at the same position, clamped.

export interface Selection {
  key: string | undefined;
  index: number;
}

export const EMPTY_SELECTION: Selection = { key: undefined, index: 0 };

export interface Rows {
  /** Identities of the rows we hold, in display order. */
  keys: readonly string[];
  /** Position of keys[0] in the whole list (non-zero for a page read from Redis). */
  offset?: number;
  /** Size of the whole list (defaults to keys.length). */
  total?: number;
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

/** Where the cursor is now, in whole-list positions. */
export function resolveIndex(selection: Selection, rows: Rows): number {
  const offset = rows.offset ?? 0;
  const total = rows.total ?? rows.keys.length;
  if (total === 0) return 0;
  if (selection.key !== undefined) {
    const at = rows.keys.indexOf(selection.key);
    if (at >= 0) return offset + at;
  }
  return clamp(selection.index, 0, total - 1);
}

export type SelectionAction =
  { type: 'move'; delta: number } | { type: 'top' } | { type: 'bottom' } | { type: 'select'; key: string };

export function selectionReducer(selection: Selection, action: SelectionAction, rows: Rows): Selection {
  const offset = rows.offset ?? 0;
  const total = rows.total ?? rows.keys.length;
  if (total === 0) return action.type === 'select' ? { key: action.key, index: 0 } : EMPTY_SELECTION;
  const current = resolveIndex(selection, rows);
  let index: number;
  switch (action.type) {
    case 'move':
      index = clamp(current + action.delta, 0, total - 1);
      break;
    case 'top':
      index = 0;
      break;
    case 'bottom':
      index = total - 1;
      break;
    case 'select': {
      const at = rows.keys.indexOf(action.key);
      return at >= 0 ? { key: action.key, index: offset + at } : { key: action.key, index: current };
    }
  }
  return { key: rows.keys[index - offset], index };
}

/** First row to draw so the cursor stays visible, scrolling as little as possible. */
export function windowStart(cursor: number, previousStart: number, height: number, total: number): number {
  if (height <= 0) return 0;
  let start = previousStart;
  if (cursor < start) start = cursor;
  if (cursor >= start + height) start = cursor - height + 1;
  return clamp(start, 0, Math.max(0, total - height));
}
