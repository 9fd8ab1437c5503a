// An exception handler, as `rqts worker --exception-handler exception-handler.report` or in
// WorkerOptions.exceptionHandlers. Return false to stop the chain (the default handler, which
// puts the job in the failed registry, runs last unless --disable-default-exception-handler).

export function report(job, excString) {
  console.log(`handler: job ${job.id} failed: ${excString.split('\n')[0]}`);
}
