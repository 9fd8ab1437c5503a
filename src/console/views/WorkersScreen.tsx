import React from 'react';
import { WORKER_COLUMNS } from '../data/columns.js';
import type { WorkerRow } from '../data/derive.js';
import { keyOf } from '../keymap.js';
import { NamedTableScreen, type NamedRowsProps } from './NamedTableScreen.js';

export interface WorkersScreenProps extends NamedRowsProps<WorkerRow> {
  /** The key that opens the launch dialog, when this console can launch. */
  launchKey: string | undefined;
}

export function WorkersScreen({ launchKey, ...props }: WorkersScreenProps): React.JSX.Element {
  return (
    <NamedTableScreen
      {...props}
      table="workers"
      columns={WORKER_COLUMNS}
      emptyText={
        props.total === 0
          ? `No worker is registered on this Redis. Start one (rqts worker / rq worker)${launchKey ? ` or press ${launchKey} to launch one here` : ''}.`
          : `No worker matches the filter (${keyOf('nav.back')} clears it).`
      }
    />
  );
}
