import React from 'react';
import { Box, Text } from 'ink';
import { layoutWidths, type Column } from '../data/columns.js';
import { fit } from '../text.js';
import { toneColor } from './theme.js';

export interface TableProps<Row> {
  columns: readonly Column<Row>[];
  /** Only the rows on screen: the caller slices, so off-screen rows are never formatted. */
  visible: readonly Row[];
  /** Index of visible[0] in the whole list. */
  start: number;
  cursor: number;
  width: number;
  height: number;
  now: number;
  rowKey: (row: Row) => string;
}

export function TableHeader<Row>({
  columns,
  width,
}: {
  columns: readonly Column<Row>[];
  width: number;
}): React.JSX.Element {
  const widths = layoutWidths(columns, width);
  const text = columns.map((c, i) => fit(c.title, widths[i] ?? c.width, c.align)).join(' ');
  return (
    <Text bold color="gray" wrap="truncate">
      {text}
    </Text>
  );
}

export function Table<Row>({
  columns,
  visible,
  start,
  cursor,
  width,
  height,
  now,
  rowKey,
}: TableProps<Row>): React.JSX.Element {
  const widths = layoutWidths(columns, width);
  return (
    <Box flexDirection="column" height={height}>
      {visible.map((row, i) => {
        const selected = start + i === cursor;
        return (
          <Text key={rowKey(row)} inverse={selected} wrap="truncate">
            {columns.map((c, k) => (
              <Text key={c.id} color={selected ? undefined : toneColor(c.tone?.(row))}>
                {fit(c.text(row, now), widths[k] ?? c.width, c.align)}
                {k < columns.length - 1 ? ' ' : ''}
              </Text>
            ))}
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
