import { realError, refusalOf, type Refusal } from '../redis/refusal.js';

// A worker meets Redis refusing writes (maxmemory, a replica, a restart still loading): it
// waits and tries the same step again instead of exiting, so a pool does not crash-loop and
// the job it holds keeps its outcome. Refused steps never ran, so sending them again is safe.

const NEXT_STEP: Record<Refusal, string> = {
  OOM: "free memory or raise Redis's maxmemory",
  LOADING: 'Redis is loading its data set',
  READONLY: 'point the worker at the master',
  MASTERDOWN: 'the replica lost its master',
};

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

export async function retryRefused<T>(
  what: string,
  step: () => Promise<T>,
  options: { warn: (line: string) => void; info: (line: string) => void; giveUp: () => boolean },
): Promise<T> {
  let delay = FIRST_DELAY_MS;
  let refusedBefore = false;
  for (;;) {
    try {
      const result = await step();
      if (refusedBefore) options.info(`Redis took the write again (${what})`);
      return result;
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || options.giveUp()) throw realError(error);
      options.warn(
        `Redis refused to ${what}: ${realError(error).message.split('\n')[0]}; retrying in ${delay / 1000} s (${NEXT_STEP[refusal]})`,
      );
      refusedBefore = true;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
