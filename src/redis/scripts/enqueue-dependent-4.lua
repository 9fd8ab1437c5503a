-- KEYS[1]  the set of all queues (rq:queues)
-- KEYS[2]  job hash (rq:job:<id>)
-- KEYS[3]  queue list (rq:queue:<q>)
-- KEYS[4]  deferred registry (rq:deferred:<q>)
-- ARGV[1]  job id
-- ARGV[2]  'front' to push at the front of the queue (kept as enqueue_at_front for a later
--          release), 'back' at its end
-- ARGV[3]  ttl in seconds, or 0 for none
-- ARGV[4]  this job's dependents set key, ARGV[5] its dependencies set key (both expire with it)
-- ARGV[6]  job key prefix (rq:job:), ARGV[7] dependents suffix (:dependents)
-- ARGV[8]  now, integer Unix seconds (the deferred registry's score)
-- ARGV[9]  'allow-failures' when the job may run after a dependency failed
--          (allow_dependency_failures), 'finished-only' when every dependency must finish
-- ARGV[10] n, the number of dependencies; ARGV[11..10+n] their ids
-- ARGV[11+n..]  field, value, … of the job hash (status queued and enqueued_at included)
-- Guarantee: RQ's enqueue with depends_on (docs/protocol.md §6.1) as one atomic call: a job whose
-- dependencies have all finished (or ended, when failures are allowed) is enqueued like any
-- other; otherwise it is saved `deferred`, in the deferred registry and in each dependency's
-- dependents set, where the dependency's finish releases it. A dependency finishing at the
-- same moment cannot slip between the check and the registration. A dependency whose hash is
-- gone counts as met, as RQ drops missing dependencies. Returns 'queued' or 'deferred'.
local n = tonumber(ARGV[10])
local waiting = false
for i = 1, n do
  local status = redis.call('HGET', ARGV[6] .. ARGV[10 + i], 'status')
  if status then
    local ended = status == 'failed' or status == 'stopped' or status == 'canceled'
    if not (status == 'finished' or (ARGV[9] == 'allow-failures' and ended)) then waiting = true end
  end
end
redis.call('HSET', KEYS[2], unpack(ARGV, 11 + n))
if ARGV[9] == 'allow-failures' then redis.call('HSET', KEYS[2], 'allow_dependency_failures', '1') end
if ARGV[2] == 'front' then redis.call('HSET', KEYS[2], 'enqueue_at_front', '1') end
local ttl = tonumber(ARGV[3])
if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
if waiting then
  redis.call('HSET', KEYS[2], 'status', 'deferred')
  redis.call('HDEL', KEYS[2], 'enqueued_at')
  redis.call('ZADD', KEYS[4], ARGV[8], ARGV[1])
  for i = 1, n do
    redis.call('SADD', ARGV[6] .. ARGV[10 + i] .. ARGV[7], ARGV[1])
    redis.call('SADD', ARGV[5], ARGV[10 + i])
  end
  if ttl > 0 then
    redis.call('EXPIRE', ARGV[4], ttl)
    redis.call('EXPIRE', ARGV[5], ttl)
  end
  return 'deferred'
end
redis.call('SADD', KEYS[1], KEYS[3])
if ARGV[2] == 'front' then redis.call('LPUSH', KEYS[3], ARGV[1]) else redis.call('RPUSH', KEYS[3], ARGV[1]) end
return 'queued'
