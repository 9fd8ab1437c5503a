import { useEffect } from 'react';
import type { Poller } from '../data/poller.js';
import type { JobSearch } from '../data/job-search.js';
import type { DerivedModel } from '../model.js';
import type { UiState } from '../ui-state.js';

/**
 * Asks the data layer for what the screen shows beyond the snapshot: the jobs page under
 * the cursor, the job in detail, and the jobs filter's registry search.
 */
export function useJobRequests(
  poller: Poller,
  search: JobSearch | undefined,
  ui: UiState,
  model: DerivedModel,
  pageSize: number,
): void {
  const jobsQueue = model.jobs.queue;
  const pageOffset = model.jobs.offset;
  const searchRequest = model.searchRequest;
  const detailJobId = ui.screen === 'detail' && ui.detail?.kind === 'job' ? ui.detail.id : undefined;
  const wantPage = ui.screen === 'jobs' && jobsQueue !== undefined && searchRequest === undefined;
  useEffect(() => {
    if (!search) return;
    if (searchRequest) search.start(searchRequest);
    else search.clear();
  }, [search, searchRequest]);
  useEffect(() => {
    poller.setRequest({
      jobPage:
        wantPage && jobsQueue
          ? { queue: jobsQueue, kind: ui.jobs.kind, offset: pageOffset, limit: pageSize }
          : undefined,
      detailJobId,
    });
  }, [poller, wantPage, jobsQueue, ui.jobs.kind, pageOffset, pageSize, detailJobId]);
}
