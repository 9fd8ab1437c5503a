import { useState } from 'react';
import { windowStart } from '../data/selection.js';
import type { TableId } from '../ui-state.js';

export type ScrolledTable = Exclude<TableId, 'jobs'>;
export type ScrollWindow = { cursor: number; start: number };

// Scroll windows keep the cursor visible while moving as little as possible: each start
// depends on the previous one, kept as state and adjusted during render (React's pattern
// for state derived from the previous render) rather than in a ref written while rendering.
export function useScrollWindows(
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
