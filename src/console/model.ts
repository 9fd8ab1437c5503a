import type { ConsoleModel } from './selectors.js';
import { isFlagged, type QueueRow, type WorkerRow } from './data/derive.js';
import type { LogLine } from './data/local-workers.js';
import type { Snapshot } from './data/snapshot.js';
import { filterRows, sortRows } from './data/table.js';
import {
  jobColumns,
  jobFields,
  jobHaystack,
  QUEUE_COLUMNS,
  queueFields,
  queueHaystack,
  WORKER_COLUMNS,
  workerFields,
  workerHaystack,
} from './data/columns.js';
import type { UiState } from './ui-state.js';
import type { JobSummary } from './data/jobs.js';
import { sameRequest, type SearchRequest, type SearchState } from './data/job-search.js';

// The rows each screen shows for a given UI state: filtered, sorted, paged. Pure, so the
// key handler can recompute it for state that has not been rendered yet (keys in a burst).

export interface ModelInputs {
  /** The whole-registry search, when this console has one (else the filter is per page). */
  search?: { state: SearchState | undefined };
  snapshot: Snapshot | undefined;
  allWorkers: readonly WorkerRow[];
  allQueues: readonly QueueRow[];
  lines: readonly LogLine[];
  pageSize: number;
  detailLineCount: number;
  helpLineCount: number;
  eventLineCount: number;
  cronLineCount: number;
}

export interface DerivedModel extends ConsoleModel {
  workersError: string | undefined;
  queuesError: string | undefined;
  /** The jobs page on screen is the one the UI asks for (else it is still loading). */
  pageMatches: boolean;
  /** The jobs filter's registry search: what it asks for, and its state once it runs. */
  searchRequest: SearchRequest | undefined;
}

/**
 * Remembers the last call, by the identity of its arguments. Every keystroke derives the model
 * (twice: for the frame and for the key handler), and one that only moves the cursor must not
 * filter and sort 10,000 workers again: the UI state keeps a filter's or a sort's object as it
 * is until that filter or sort changes.
 */
function rememberLast<A extends readonly unknown[], R>(compute: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | undefined;
  let last: R;
  return (...args: A): R => {
    if (lastArgs?.length === args.length && args.every((a, i) => a === lastArgs?.[i])) return last;
    last = compute(...args);
    lastArgs = args;
    return last;
  };
}

const workerTable = rememberLast(
  (
    all: readonly WorkerRow[],
    flaggedOnly: boolean,
    filter: UiState['filters']['workers'],
    sort: UiState['sorts']['workers'],
  ) => {
    const filtered = filterRows(
      flaggedOnly ? all.filter(isFlagged) : all,
      workerHaystack,
      filter,
      workerFields,
    );
    return { rows: sortRows(filtered.rows, WORKER_COLUMNS, sort, (w) => w.name), error: filtered.error };
  },
);

const queueTable = rememberLast(
  (all: readonly QueueRow[], filter: UiState['filters']['queues'], sort: UiState['sorts']['queues']) => {
    const filtered = filterRows(all, queueHaystack, filter, queueFields);
    return { rows: sortRows(filtered.rows, QUEUE_COLUMNS, sort, (q) => q.name), error: filtered.error };
  },
);

/** The jobs held, in the registry's order or sorted by a column this registry shows. */
function sortJobs(rows: JobSummary[], ui: UiState): JobSummary[] {
  const sort = ui.sorts.jobs;
  const columns = jobColumns(ui.jobs.kind);
  if (!columns.some((c) => c.id === sort.column && c.sortValue)) return rows;
  return sortRows(rows, columns, sort, (j) => j.id);
}

export function deriveModel(ui: UiState, inputs: ModelInputs): DerivedModel {
  const { snapshot } = inputs;
  const workers = workerTable(inputs.allWorkers, ui.flaggedOnly, ui.filters.workers, ui.sorts.workers);
  const queues = queueTable(inputs.allQueues, ui.filters.queues, ui.sorts.queues);
  const logs = filterRows(inputs.lines, (l) => `${l.worker} ${l.text}`, ui.filters.logs);
  const jobsQueue = ui.jobs.queue ?? inputs.allQueues[0]?.name;
  const pageOffset =
    inputs.search && ui.filters.jobs.text.trim() !== ''
      ? 0
      : Math.floor(ui.selection.jobs.index / inputs.pageSize) * inputs.pageSize;
  const page = snapshot?.jobPage;
  const searchRequest =
    inputs.search && jobsQueue !== undefined && ui.filters.jobs.text.trim() !== ''
      ? { queue: jobsQueue, kind: ui.jobs.kind, filter: ui.filters.jobs }
      : undefined;
  const searchState = inputs.search?.state;
  const search = searchRequest && sameRequest(searchState?.request, searchRequest) ? searchState : undefined;
  const pageMatches =
    page !== undefined &&
    page.request.queue === jobsQueue &&
    page.request.kind === ui.jobs.kind &&
    page.request.offset === pageOffset;
  const detailJob = snapshot?.detail?.job;
  return {
    workers: workers.rows,
    queues: queues.rows,
    jobs: searchRequest
      ? {
          rows: sortJobs(search?.matches ?? [], ui),
          offset: 0,
          total: search?.matches.length ?? 0,
          queue: jobsQueue,
        }
      : {
          rows: sortJobs(
            pageMatches && page ? filterRows(page.jobs, jobHaystack, ui.filters.jobs, jobFields).rows : [],
            ui,
          ),
          offset: pageOffset,
          total: pageMatches && page ? page.total : 0,
          queue: jobsQueue,
        },
    logs: logs.rows,
    suspended: snapshot?.suspended ?? false,
    detailLineCount: inputs.detailLineCount,
    helpLineCount: inputs.helpLineCount,
    eventLineCount: inputs.eventLineCount,
    cronLineCount: inputs.cronLineCount,
    detailJob: detailJob
      ? {
          id: detailJob.id,
          status: detailJob.status,
          origin: detailJob.origin,
          workerName: detailJob.workerName || undefined,
          description: detailJob.description,
        }
      : undefined,
    workersError: workers.error,
    queuesError: queues.error,
    pageMatches: searchRequest ? search !== undefined : pageMatches,
    searchRequest,
    search,
  };
}
