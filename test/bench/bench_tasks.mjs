// The no-op job every rqts worker in the bench runs (`bench_tasks.noop` under --path test/bench):
// the figures measure the queue machinery, not the job.
export function noop() {
  return null;
}
