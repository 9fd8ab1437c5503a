import { RqtsError } from '../errors.js';
import type { Job } from '../model/job.js';
import { loadExport } from '../model/load-export.js';

// Custom exception handlers (--exception-handler, several, in order). Each receives the
// failed job and the error text; returning false stops the chain, as in RQ (returning
// nothing continues it).

export type ExceptionHandler = (job: Job, excString: string) => unknown;

export async function loadExceptionHandlers(
  names: readonly (string | ExceptionHandler)[],
  roots: readonly string[],
): Promise<ExceptionHandler[]> {
  const handlers: ExceptionHandler[] = [];
  for (const name of names) {
    if (typeof name === 'function') {
      handlers.push(name);
      continue;
    }
    const value = await loadExport(name, roots);
    if (typeof value !== 'function')
      throw new RqtsError(
        'LOAD_FAILED',
        `Exception handler ${name} is not a function`,
        'Export a function (job, excString) => boolean | void',
      );
    handlers.push(value as ExceptionHandler);
  }
  return handlers;
}

export async function runExceptionHandlers(
  handlers: readonly ExceptionHandler[],
  job: Job,
  excString: string,
  onError: (error: unknown) => void,
): Promise<void> {
  for (const handler of handlers) {
    try {
      const verdict = await handler(job, excString);
      if (verdict === false) return;
    } catch (error) {
      onError(error);
    }
  }
}
