import React from 'react';
import { QUEUE_COLUMNS } from '../data/columns.js';
import type { QueueRow } from '../data/derive.js';
import { keyOf } from '../keymap.js';
import { NamedTableScreen, type NamedRowsProps } from './NamedTableScreen.js';

export type QueuesScreenProps = NamedRowsProps<QueueRow>;

export function QueuesScreen(props: QueuesScreenProps): React.JSX.Element {
  return (
    <NamedTableScreen
      {...props}
      table="queues"
      columns={QUEUE_COLUMNS}
      emptyText={
        props.total === 0
          ? 'No queue yet: enqueue a job and its queue appears here.'
          : `No queue matches the filter (${keyOf('nav.back')} clears it).`
      }
    />
  );
}
