// Sample tasks for `rqts console --demo` (and for trying rqts by hand):
//   rqts worker default --path examples/demo
//   rqts enqueue tasks.slow 5 --url redis://127.0.0.1:6379/0
// The names match examples/demo/tasks.py, so Python RQ workers can run the same jobs.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns at once. */
export async function quick(n = 1) {
  return Number(n) * 2;
}

/** Takes a few seconds, so workers show as busy. */
export async function slow(seconds = 3) {
  await sleep(Number(seconds) * 1000);
  return `slept ${seconds}s`;
}

/** Always fails, so the failed registry has something to requeue. */
export async function failing(reason = 'demo failure') {
  throw new Error(String(reason));
}

/** Never ends on its own: kill its horse (K) or stop it (S) from the console. */
export async function hang() {
  await new Promise(() => {
    setInterval(() => undefined, 60_000);
  });
}
