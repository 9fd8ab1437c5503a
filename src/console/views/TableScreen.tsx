import React from 'react';
import { Box } from 'ink';
import type { Column } from '../data/columns.js';
import { Placeholder, Table, TableHeader } from './Table.js';

export interface TableScreenProps<Row> {
  columns: readonly Column<Row>[];
  /** Every row held (already filtered and sorted); only the window is formatted. */
  rows: readonly Row[];
  /** Whole-list position of rows[0] (non-zero for a page read from Redis). */
  offset?: number;
  cursor: number;
  start: number;
  width: number;
  height: number;
  now: number;
  rowKey: (row: Row) => string;
  loading: boolean;
  emptyText: string;
  error?: string;
}

/** A table with its header, and deliberate loading, error and empty bodies. */
export function TableScreen<Row>(props: TableScreenProps<Row>): React.JSX.Element {
  const bodyHeight = Math.max(1, props.height - 1);
  const offset = props.offset ?? 0;
  let body: React.JSX.Element;
  if (props.error) body = <Placeholder height={bodyHeight} text={props.error} tone="bad" />;
  else if (props.loading) body = <Placeholder height={bodyHeight} text="Loading…" />;
  else if (props.rows.length === 0) body = <Placeholder height={bodyHeight} text={props.emptyText} />;
  else {
    const from = Math.max(0, props.start - offset);
    const visible = props.rows.slice(from, from + bodyHeight);
    body = (
      <Table
        columns={props.columns}
        visible={visible}
        start={offset + from}
        cursor={props.cursor}
        width={props.width}
        height={bodyHeight}
        now={props.now}
        rowKey={props.rowKey}
      />
    );
  }
  return (
    <Box flexDirection="column" height={props.height}>
      <TableHeader columns={props.columns} width={props.width} />
      {body}
    </Box>
  );
}
