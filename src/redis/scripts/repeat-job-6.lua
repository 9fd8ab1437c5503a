-- KEYS[1]  job hash (rq:job:<id>)
-- KEYS[2]  the job's queue list (rq:queue:<origin>)
-- KEYS[3]  the job's scheduled registry (rq:scheduled:<origin>)
-- KEYS[4]  the set of all queues (rq:queues)
-- KEYS[5]  dependents set (rq:job:<id>:dependents)
-- KEYS[6]  dependencies set (rq:job::<id>:dependencies)
-- ARGV[1]  job id
-- ARGV[2]  the worker whose finish this follows (the job's worker_name)
-- ARGV[3]  repeats_left as the run read it (the next run's count is one less)
-- ARGV[4]  seconds until the next run (0: queued at once)
-- ARGV[5]  when it is due, integer Unix seconds (the scheduled registry's score)
-- ARGV[6]  now, RQ timestamp text (enqueued_at of a run queued at once)
-- Guarantee: RQ 2.x's Repeat after a success (docs/protocol.md §6.11), queued in the same
-- MULTI as finish-job-7 so a finished run and its next one land together. It acts only on
-- the finish it follows: the job `finished` by ARGV[2] with repeats_left still ARGV[3]; so a
-- finish that was fenced off, a job deleted by result_ttl 0, or a replay of the same call
-- (its repeats_left already counted down) repeats nothing. The job keeps its place in the
-- finished registry, as 2.10 leaves it, and loses the result TTL the finish gave it: the next
-- run must find it.
-- Returns 'queued', 'scheduled', or 0 when nothing was repeated.
local f = redis.call('HMGET', KEYS[1], 'status', 'worker_name', 'repeats_left')
if f[1] ~= 'finished' or f[2] ~= ARGV[2] or f[3] ~= ARGV[3] then return 0 end
redis.call('PERSIST', KEYS[1])
redis.call('PERSIST', KEYS[5])
redis.call('PERSIST', KEYS[6])
redis.call('SADD', KEYS[4], KEYS[2])
local left = tostring(tonumber(ARGV[3]) - 1)
if tonumber(ARGV[4]) > 0 then
  redis.call('HSET', KEYS[1], 'repeats_left', left, 'status', 'scheduled')
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
  return 'scheduled'
end
redis.call('HSET', KEYS[1], 'repeats_left', left, 'status', 'queued', 'enqueued_at', ARGV[6])
redis.call('RPUSH', KEYS[2], ARGV[1])
return 'queued'
