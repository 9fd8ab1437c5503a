// The no-op job of BullMQ's sandboxed processor (bullmq_worker.mjs --sandboxed), run in a
// child process as bench_tasks.noop runs in an rqts horse.
export default async function noop() {
  return null;
}
