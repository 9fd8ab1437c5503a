import React from 'react';
import type { Column } from '../data/columns.js';
import { Tabs } from './Header.js';
import { TableScreen, tableView } from './TableScreen.js';
import type { ScreenFrame } from './screen-frame.js';
import { tableSummary } from './tab-notes.js';

/** The props the workers and queues screens share: their rows are named, sorted and scrolled alike. */
export interface NamedRowsProps<Row> extends ScreenFrame {
  /** Filtered and sorted. */
  rows: readonly Row[];
  /** How many there are before the filter. */
  total: number;
  error: string | undefined;
  window: { cursor: number; start: number };
}

/** A whole table of named rows held in memory (workers, queues), with its tab line. */
export function NamedTableScreen<Row extends { name: string }>(
  props: NamedRowsProps<Row> & {
    table: 'workers' | 'queues';
    columns: readonly Column<Row>[];
    emptyText: string;
  },
): React.JSX.Element {
  const { ui, rows, window: w, table: id } = props;
  const table = { columns: props.columns, rows, start: w.start };
  const view = tableView({
    ...table,
    width: props.width,
    height: props.height,
    now: props.now,
    loading: props.loading,
    wide: ui.wide,
    error: props.error,
    scroll: ui.hscroll[id],
    sorted: ui.sorts[id].column,
  });
  return (
    <>
      <Tabs screen={id} extra={tableSummary(ui, id, rows.length, props.total, view)} />
      <TableScreen
        {...table}
        view={view}
        sort={ui.sorts[id]}
        cursor={w.cursor}
        height={props.height}
        loading={props.loading}
        rowKey={(r) => r.name}
        error={props.error}
        emptyText={props.emptyText}
      />
    </>
  );
}
