import React from 'react';
import { QUEUE_COLUMNS } from '../data/columns.js';
import type { QueueRow } from '../data/derive.js';
import { Tabs } from './Header.js';
import { TableScreen, tableView } from './TableScreen.js';
import type { ScreenFrame } from './screen-frame.js';
import { tableSummary } from './tab-notes.js';
import { keyOf } from '../keymap.js';

export interface QueuesScreenProps extends ScreenFrame {
  /** Filtered and sorted. */
  rows: readonly QueueRow[];
  /** How many queues there are before the filter. */
  total: number;
  error: string | undefined;
  window: { cursor: number; start: number };
}

export function QueuesScreen(props: QueuesScreenProps): React.JSX.Element {
  const { ui, rows, window: w } = props;
  const table = { columns: QUEUE_COLUMNS, rows, start: w.start };
  const view = tableView({
    ...table,
    width: props.width,
    height: props.height,
    now: props.now,
    loading: props.loading,
    wide: ui.wide,
    error: props.error,
    scroll: ui.hscroll.queues,
    sorted: ui.sorts.queues.column,
  });
  return (
    <>
      <Tabs screen="queues" extra={tableSummary(ui, 'queues', rows.length, props.total, view)} />
      <TableScreen
        {...table}
        view={view}
        sort={ui.sorts.queues}
        cursor={w.cursor}
        height={props.height}
        loading={props.loading}
        rowKey={(r) => r.name}
        error={props.error}
        emptyText={
          props.total === 0
            ? 'No queue yet: enqueue a job and its queue appears here.'
            : `No queue matches the filter (${keyOf('nav.back')} clears it).`
        }
      />
    </>
  );
}
