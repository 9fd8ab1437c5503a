-- KEYS[1]  failed registry (rq:failed:<q>)
-- KEYS[2]  job hash (rq:job:<id>)
-- KEYS[3]  queue list (rq:queue:<q>)
-- KEYS[4]  the set of all queues (rq:queues)
-- ARGV[1]  job id
-- ARGV[2]  timestamp text (RQ format) for enqueued_at
-- ARGV[3]  compressed empty text, RQ's cleared exc_info
-- ARGV[4]  'front' to push at the front of the queue, 'back' at its end
-- ARGV[5]  ttl in seconds to apply to the job hash, or 0
-- Guarantee: the id leaves the failed registry and enters its queue in one atomic step (RQ
-- does this in two, and a crash in between loses the job). Returns 0 when the id was not
-- in the failed registry (nothing is changed), 1 when requeued.
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'status', 'queued', 'started_at', '', 'ended_at', '', 'exc_info', ARGV[3], 'enqueued_at', ARGV[2])
if tonumber(ARGV[5]) > 0 then redis.call('EXPIRE', KEYS[2], ARGV[5]) end
redis.call('SADD', KEYS[4], KEYS[3])
if ARGV[4] == 'front' then redis.call('LPUSH', KEYS[3], ARGV[1]) else redis.call('RPUSH', KEYS[3], ARGV[1]) end
return 1
