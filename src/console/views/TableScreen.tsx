import React from 'react';
import { Box } from 'ink';
import type { Column } from '../data/columns.js';
import { planLayout, type LayoutPlan } from '../data/layout.js';
import { Placeholder, Table, TableHeader } from './Table.js';

export interface TableWindow<Row> {
  columns: readonly Column<Row>[];
  /** Every row held (already filtered and sorted); only the window is formatted. */
  rows: readonly Row[];
  /** Whole-list position of rows[0] (non-zero for a page read from Redis). */
  offset?: number;
  start: number;
  height: number;
  loading: boolean;
  error?: string;
}

export interface TableScreenProps<Row> extends TableWindow<Row> {
  cursor: number;
  rowKey: (row: Row) => string;
  emptyText: string;
  sort?: { column: string; descending: boolean };
  marked?: (row: Row) => boolean;
  /** The rows on screen and their layout, from tableView(). */
  view: TableView<Row>;
}

export interface TableView<Row> {
  visible: Row[];
  cells: string[][];
  plan: LayoutPlan;
}

/**
 * The rows on screen, formatted once, and how their columns share the width. Computed by
 * the screen's owner, which also says in the tab line what the layout hid or scrolled.
 */
export function tableView<Row>(
  props: TableWindow<Row> & { width: number; now: number; wide?: boolean; scroll?: number; sorted?: string },
): TableView<Row> {
  const bodyHeight = Math.max(1, props.height - 1);
  const from = Math.max(0, props.start - (props.offset ?? 0));
  const visible = props.loading || props.error ? [] : props.rows.slice(from, from + bodyHeight);
  const cells = visible.map((row) => props.columns.map((c) => c.text(row, props.now)));
  const plan = planLayout(props.columns, cells, props.width, {
    wide: props.wide,
    scroll: props.scroll,
    sorted: props.sorted,
  });
  return { visible, cells, plan };
}

/** A table with its header, and deliberate loading, error and empty bodies. */
export function TableScreen<Row>(props: TableScreenProps<Row>): React.JSX.Element {
  const bodyHeight = Math.max(1, props.height - 1);
  const offset = props.offset ?? 0;
  const from = Math.max(0, props.start - offset);
  const { visible, cells, plan } = props.view;
  let body: React.JSX.Element;
  if (props.error) body = <Placeholder height={bodyHeight} text={props.error} tone="bad" />;
  else if (props.loading) body = <Placeholder height={bodyHeight} text="Loading…" />;
  else if (props.rows.length === 0) body = <Placeholder height={bodyHeight} text={props.emptyText} />;
  else
    body = (
      <Table
        columns={props.columns}
        plan={plan}
        visible={visible}
        cells={cells}
        start={offset + from}
        cursor={props.cursor}
        height={bodyHeight}
        rowKey={props.rowKey}
        marked={props.marked}
      />
    );
  return (
    <Box flexDirection="column" height={props.height}>
      <TableHeader columns={props.columns} plan={plan} sort={props.sort} />
      {body}
    </Box>
  );
}
