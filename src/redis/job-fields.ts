/** The RQ 2.x fields model/rq2-fields.ts reads (Repeat, retry at the front, webhooks). */
export const RQ2_JOB_FIELDS = [
  'repeats_left',
  'repeat_intervals',
  'enqueue_at_front_on_retry',
  'webhooks',
] as const;

// The job hash fields rqts reads (Job.fromHash), in one list: a worker's dequeue asks Redis
// for exactly these (HMGET) instead of the whole hash, which halves what it parses per job.
// Everything Job.fromHash reads must be here; a test checks it against a full hash.
export const JOB_HASH_FIELDS = [
  'data',
  'origin',
  'status',
  'description',
  'timeout',
  'result_ttl',
  'failure_ttl',
  'ttl',
  'retries_left',
  'created_at',
  'enqueued_at',
  'started_at',
  'ended_at',
  'last_heartbeat',
  'worker_name',
  'success_callback_name',
  'failure_callback_name',
  'stopped_callback_name',
  'success_callback_timeout',
  'failure_callback_timeout',
  'stopped_callback_timeout',
  'retry_intervals',
  'dependency_ids',
  'dependency_id',
  'meta',
  'exc_info',
  // RQ 2.x's Repeat, retry-at-front and webhook fields.
  ...RQ2_JOB_FIELDS,
] as const;
