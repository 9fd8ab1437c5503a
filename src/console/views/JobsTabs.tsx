import React from 'react';
import { Text } from 'ink';
import type { QueueRow } from '../data/derive.js';
import { JOB_LIST_KINDS, type JobListKind } from '../data/jobs.js';
import { escapeControl, formatCount } from '../text.js';

function countOf(row: QueueRow | undefined, kind: JobListKind): number | undefined {
  if (!row) return undefined;
  return kind === 'queued' ? row.queued : row[kind];
}

/** The jobs screen's queue name, registry tabs with sizes, and the page on screen. */
export function JobsTabs(props: {
  queue: string | undefined;
  kind: JobListKind;
  queueRow: QueueRow | undefined;
  offset: number;
  pageSize: number;
  total: number;
}): React.JSX.Element {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const pageNo = Math.floor(props.offset / props.pageSize) + 1;
  return (
    <Text wrap="truncate">
      <Text bold>queue {props.queue === undefined ? '-' : escapeControl(props.queue)} </Text>
      {JOB_LIST_KINDS.map((kind) => {
        const n = countOf(props.queueRow, kind);
        return (
          <Text
            key={kind}
            inverse={kind === props.kind}
            color={kind === 'failed' && (n ?? 0) > 0 ? 'red' : undefined}
          >
            {` ${kind} ${n === undefined ? '' : formatCount(n)} `}
          </Text>
        );
      })}
      <Text color="gray">{`  page ${pageNo}/${pages} (read from Redis ${props.pageSize} at a time)`}</Text>
    </Text>
  );
}
