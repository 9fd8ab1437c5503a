// The job fields RQ 2.x writes that change what a worker does after a run (docs/protocol.md
// §5.6): Repeat (2.3), retry at the front (`Retry(enqueue_at_front=True)`) and webhooks
// (2.10). Kept apart from Job's 1.x fields: most jobs have none, and a worker reads them only
// when it finishes or fails a job that has them.

export interface Rq2JobFields {
  /** Runs still to come after the current one (`repeats_left`). */
  repeatsLeft?: number;
  /** Seconds to wait before each repeat (`repeat_intervals`, a JSON list of ints). */
  repeatIntervals?: number[];
  /** `enqueue_at_front_on_retry` `"1"`: a retry without interval goes to the queue's head. */
  enqueueAtFrontOnRetry: boolean;
  /** `webhooks`: the JSON list as stored, parsed only when the job ends (worker/webhooks.ts). */
  webhooks?: string;
}

/**
 * The 2.x fields of a job hash, or undefined when it has none (every 1.x job). The dequeue
 * fetches them as RQ2_JOB_FIELDS (redis/job-fields.ts).
 */
export function readRq2Fields(hash: Record<string, Buffer | undefined>): Rq2JobFields | undefined {
  const repeats = hash.repeats_left?.toString('utf8');
  const intervals = hash.repeat_intervals?.toString('utf8');
  const front = hash.enqueue_at_front_on_retry?.toString('utf8');
  const webhooks = hash.webhooks?.toString('utf8');
  if (!repeats && !front && !webhooks) return undefined;
  const fields: Rq2JobFields = { enqueueAtFrontOnRetry: front === '1' };
  const left = repeats ? Number(repeats) : Number.NaN;
  if (Number.isSafeInteger(left)) fields.repeatsLeft = left;
  if (intervals) fields.repeatIntervals = intList(intervals);
  if (webhooks && webhooks !== '[]' && webhooks !== 'null') fields.webhooks = webhooks;
  return fields;
}

function intList(text: string): number[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((n): n is number => Number.isInteger(n)) : [];
  } catch {
    return [];
  }
}
