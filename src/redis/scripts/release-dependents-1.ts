import { RELEASE_DEPENDENTS_FN } from './release-dependents-fn.js';

// KEYS[1]  the parent's dependents set (rq:job:<parent>:dependents)
// ARGV[1]  job key prefix (rq:job:)
// ARGV[2]  queue key prefix (rq:queue:)
// ARGV[3]  deferred registry prefix (rq:deferred:)
// ARGV[4]  the set of all queues (rq:queues)
// ARGV[5]  timestamp text (RQ format) for enqueued_at
// ARGV[6]  the parent's id
// ARGV[7]  the parent's outcome: 'finished', 'failed' or 'stopped'
// ARGV[8]  the dependency rule: '2' for RQ 2.8+'s (a stopped or canceled parent releases no
//          allow_failure dependent), absent or '1' for 1.x's (docs/protocol.md §6.10)
// Guarantee: every deferred dependent whose dependencies are now all finished (or, for jobs
// that allow dependency failures, ended) moves from its deferred registry to its queue in the
// same atomic step, so two parents finishing together can never enqueue a dependent twice.
// The parent counts as ARGV[7] even when its hash is already gone (result_ttl 0).
// Returns the ids released.
export const RELEASE_DEPENDENTS_1 = `${RELEASE_DEPENDENTS_FN}
return releaseDependents(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8])
`;
