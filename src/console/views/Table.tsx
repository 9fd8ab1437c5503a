import React from 'react';
import { Box, Text } from 'ink';
import type { Column } from '../data/columns.js';
import type { LayoutPlan } from '../data/layout.js';
import { fit } from '../text.js';
import { toneColor } from './theme.js';

export interface TableProps<Row> {
  columns: readonly Column<Row>[];
  plan: LayoutPlan;
  /** Only the rows on screen: the caller slices, so off-screen rows are never formatted. */
  visible: readonly Row[];
  /** Their cells, formatted once for the layout and the drawing (column order). */
  cells: readonly (readonly string[])[];
  /** Index of visible[0] in the whole list. */
  start: number;
  cursor: number;
  height: number;
  rowKey: (row: Row) => string;
  /** Marked rows (bulk actions) get a mark in the first cell. */
  marked?: (row: Row) => boolean;
}

/** The header line; the sorted column carries its arrow. */
export function TableHeader<Row>({
  columns,
  plan,
  sort,
}: {
  columns: readonly Column<Row>[];
  plan: LayoutPlan;
  sort?: { column: string; descending: boolean };
}): React.JSX.Element {
  const text = plan.shown
    .map((i, k) => {
      const c = columns[i];
      if (!c) return '';
      const arrow = sort?.column === c.id ? (sort.descending ? '↓' : '↑') : '';
      const width = plan.widths[k] ?? c.width;
      const title =
        arrow && c.title.length + 1 > width ? `${c.title.slice(0, width - 1)}${arrow}` : c.title + arrow;
      return fit(title, width, c.align);
    })
    .join(' ');
  return (
    <Text bold color="gray" wrap="truncate">
      {text}
    </Text>
  );
}

export function Table<Row>({
  columns,
  plan,
  visible,
  cells,
  start,
  cursor,
  height,
  rowKey,
  marked,
}: TableProps<Row>): React.JSX.Element {
  return (
    <Box flexDirection="column" height={height}>
      {visible.map((row, r) => {
        const selected = start + r === cursor;
        const mark = marked?.(row) ?? false;
        return (
          <Text key={rowKey(row)} inverse={selected} wrap="truncate">
            {plan.shown.map((i, k) => {
              const c = columns[i];
              if (!c) return null;
              const width = plan.widths[k] ?? c.width;
              const text = cells[r]?.[i] ?? '';
              return (
                <Text key={c.id} color={selected ? undefined : mark ? 'magenta' : toneColor(c.tone?.(row))}>
                  {fit(k === 0 && mark ? `✓${text}` : text, width, c.align, c.keep)}
                  {k < plan.shown.length - 1 ? ' ' : ''}
                </Text>
              );
            })}
          </Text>
        );
      })}
    </Box>
  );
}

/** One centred line for loading / empty / error bodies, so every screen has them. */
export function Placeholder({
  height,
  text,
  tone,
}: {
  height: number;
  text: string;
  tone?: 'dim' | 'bad';
}): React.JSX.Element {
  return (
    <Box height={height} paddingTop={1} paddingLeft={2}>
      <Text color={tone === 'bad' ? 'red' : 'gray'}>{text}</Text>
    </Box>
  );
}
