import React from 'react';
import { WORKER_COLUMNS } from '../data/columns.js';
import type { WorkerRow } from '../data/derive.js';
import { Tabs } from './Header.js';
import { TableScreen, tableView } from './TableScreen.js';
import type { ScreenFrame } from './screen-frame.js';
import { tableSummary } from './tab-notes.js';
import { keyOf } from '../keymap.js';

export interface WorkersScreenProps extends ScreenFrame {
  /** Filtered and sorted. */
  rows: readonly WorkerRow[];
  /** How many workers there are before the filter. */
  total: number;
  error: string | undefined;
  window: { cursor: number; start: number };
  /** The key that opens the launch dialog, when this console can launch. */
  launchKey: string | undefined;
}

export function WorkersScreen(props: WorkersScreenProps): React.JSX.Element {
  const { ui, rows, window: w } = props;
  const table = { columns: WORKER_COLUMNS, rows, start: w.start };
  const view = tableView({
    ...table,
    width: props.width,
    height: props.height,
    now: props.now,
    loading: props.loading,
    wide: ui.wide,
    error: props.error,
    scroll: ui.hscroll.workers,
    sorted: ui.sorts.workers.column,
  });
  return (
    <>
      <Tabs screen="workers" extra={tableSummary(ui, 'workers', rows.length, props.total, view)} />
      <TableScreen
        {...table}
        view={view}
        sort={ui.sorts.workers}
        cursor={w.cursor}
        height={props.height}
        loading={props.loading}
        rowKey={(r) => r.name}
        error={props.error}
        emptyText={
          props.total === 0
            ? `No worker is registered on this Redis. Start one (rqts worker / rq worker)${props.launchKey ? ` or press ${props.launchKey} to launch one here` : ''}.`
            : `No worker matches the filter (${keyOf('nav.back')} clears it).`
        }
      />
    </>
  );
}
