import type { JobSummary } from './data/jobs.js';
import type { SearchState } from './data/job-search.js';
import type { QueueRow, WorkerRow } from './data/derive.js';
import type { LogLine } from './data/local-workers.js';
import { resolveIndex, type Rows } from './data/selection.js';
import type { TableId, UiState } from './ui-state.js';

// What the screens hold, and which row the cursor is on: shared by the key handling
// and the views.

export interface ConsoleModel {
  /** The jobs filter's whole-registry search, when one is on screen. */
  search?: SearchState | undefined;
  workers: WorkerRow[];
  queues: QueueRow[];
  jobs: { rows: JobSummary[]; offset: number; total: number; queue: string | undefined };
  logs: LogLine[];
  suspended: boolean;
  detailLineCount: number;
  helpLineCount: number;
  eventLineCount: number;
  cronLineCount: number;
  /** Status of the job open in the detail screen, when known. */
  detailJob:
    | {
        id: string;
        status: string | undefined;
        origin: string | undefined;
        workerName: string | undefined;
        description: string | undefined;
      }
    | undefined;
}

export function rowsOf(table: TableId, model: ConsoleModel): Rows {
  switch (table) {
    case 'workers':
      return { keys: model.workers.map((w) => w.name) };
    case 'queues':
      return { keys: model.queues.map((q) => q.name) };
    case 'jobs':
      return {
        keys: model.jobs.rows.map((j) => j.id),
        offset: model.jobs.offset,
        total: Math.max(model.jobs.total, model.jobs.offset + model.jobs.rows.length),
      };
    case 'logs':
      return { keys: model.logs.map((l) => String(l.seq)) };
  }
}

export function selectedIndex(ui: UiState, table: TableId, model: ConsoleModel): number {
  if (table === 'logs' && ui.followLogs) return Math.max(0, model.logs.length - 1);
  return resolveIndex(ui.selection[table], rowsOf(table, model));
}

export function selectedWorker(ui: UiState, model: ConsoleModel): WorkerRow | undefined {
  return model.workers[selectedIndex(ui, 'workers', model)];
}

export function selectedQueue(ui: UiState, model: ConsoleModel): QueueRow | undefined {
  return model.queues[selectedIndex(ui, 'queues', model)];
}

export function selectedJob(ui: UiState, model: ConsoleModel): JobSummary | undefined {
  return model.jobs.rows[selectedIndex(ui, 'jobs', model) - model.jobs.offset];
}
