import React from 'react';
import { Box } from 'ink';
import { jobColumns } from '../data/columns.js';
import type { OrphanedJob, QueueRow } from '../data/derive.js';
import { searchSummary } from '../data/job-search.js';
import { isMarked, marksSummary } from '../data/marks.js';
import type { DerivedModel } from '../model.js';
import { escapeControl } from '../text.js';
import { Tabs } from './Header.js';
import { JobsTabs } from './JobsTabs.js';
import { TableScreen, tableView } from './TableScreen.js';
import type { ScreenFrame } from './screen-frame.js';
import { filterNote, layoutNote } from './tab-notes.js';

export interface JobsScreenProps extends ScreenFrame {
  model: DerivedModel;
  cursor: number;
  /** Rows per page read from Redis. */
  pageSize: number;
  orphans: ReadonlyMap<string, OrphanedJob>;
  queueRow: QueueRow | undefined;
}

export function JobsScreen(props: JobsScreenProps): React.JSX.Element {
  const { ui, model, cursor, height } = props;
  const jobsQueue = model.jobs.queue;
  const pageOffset = model.jobs.offset;
  const searching = model.searchRequest !== undefined;
  const wantPage = jobsQueue !== undefined && !searching;
  // Search results are all held: a window a page at a time keeps the cursor in them.
  const rowsShown = Math.max(1, height - 2);
  const table = {
    columns: jobColumns(ui.jobs.kind, props.orphans),
    rows: model.jobs.rows,
    offset: pageOffset,
    start: searching ? Math.floor(cursor / rowsShown) * rowsShown : pageOffset,
    height: height - 1,
    loading: props.loading || (searching ? !model.pageMatches : wantPage && !model.pageMatches),
  };
  const sorted = ui.sorts.jobs.column !== '' && table.columns.some((c) => c.id === ui.sorts.jobs.column);
  const view = tableView({
    ...table,
    width: props.width,
    now: props.now,
    sorted: sorted ? ui.sorts.jobs.column : undefined,
  });
  // Redis holds the order: a sort rearranges what is held, which the tab line says.
  const sortNote = sorted ? ` · sorted ${searching ? 'matches' : 'on this page'}` : '';
  // A search's progress and outcome come first: they say what "no match" means.
  const tabExtra =
    (model.search
      ? `${searchSummary(model.search)}${filterNote(ui, 'jobs')}`
      : `${layoutNote(view, false).replace(/^ · /, '')}${filterNote(ui, 'jobs')}`) +
    sortNote +
    marksSummary(ui.marks, model.jobs.total);
  return (
    <>
      <Tabs screen="jobs" extra={tabExtra} />
      <Box flexDirection="column" height={height}>
        <JobsTabs
          queue={jobsQueue}
          kind={ui.jobs.kind}
          queueRow={props.queueRow}
          offset={pageOffset}
          pageSize={props.pageSize}
          total={model.jobs.total}
        />
        <TableScreen
          {...table}
          view={view}
          cursor={cursor}
          sort={sorted ? ui.sorts.jobs : undefined}
          rowKey={(r) => r.id}
          marked={(r) => isMarked(ui.marks, r.id)}
          emptyText={
            jobsQueue === undefined
              ? 'No queue yet.'
              : ui.filters.jobs.text && !searching
                ? `No ${ui.jobs.kind} job on this page of ${escapeControl(jobsQueue)} matches the filter (other pages are not searched).`
                : searching && model.search?.phase === 'running'
                  ? `No match yet; searching ${escapeControl(jobsQueue)}'s ${ui.jobs.kind} jobs…`
                  : `No ${ui.jobs.kind} job in ${escapeControl(jobsQueue)}${ui.filters.jobs.text ? ' matches the filter (the whole registry was searched)' : ''}.`
          }
        />
      </Box>
    </>
  );
}
