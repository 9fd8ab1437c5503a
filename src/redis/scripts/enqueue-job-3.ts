// KEYS[1]  the set of all queues (rq:queues)
// KEYS[2]  job hash (rq:job:<id>)
// KEYS[3]  queue list (rq:queue:<q>)
// ARGV[1]  job id
// ARGV[2]  '1' to push at the front of the queue
// ARGV[3]  ttl in seconds, or 0 for none
// ARGV[4]  dependents set key (rq:job:<id>:dependents), expired with the job
// ARGV[5]  dependencies set key (rq:job::<id>:dependencies), expired with the job
// ARGV[6..]  field, value, field, value … of the job hash (status queued included)
// Guarantee: RQ's enqueue (docs/protocol.md §6.1) as one atomic call and one command on the wire:
// the queue is known, the hash written, and the id pushed, or none of it.
// Returns the queue's length after the push.
export const ENQUEUE_JOB_3 = `
redis.call('SADD', KEYS[1], KEYS[3])
redis.call('HSET', KEYS[2], unpack(ARGV, 6))
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('EXPIRE', ARGV[4], ttl)
  redis.call('EXPIRE', ARGV[5], ttl)
end
if ARGV[2] == '1' then return redis.call('LPUSH', KEYS[3], ARGV[1]) end
return redis.call('RPUSH', KEYS[3], ARGV[1])
`;
