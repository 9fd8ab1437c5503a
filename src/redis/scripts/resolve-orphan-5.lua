-- The console's fix for an ORPHANED started job (its worker is gone, frozen or runs another
-- job): fail it or requeue it, in one step, so the job is never in two places or none.
-- KEYS[1]  started registry (rq:wip:<q>)
-- KEYS[2]  job hash (rq:job:<id>)
-- KEYS[3]  fail: failed registry (rq:failed:<q>); requeue: the queue list (rq:queue:<q>)
-- KEYS[4]  fail: results stream (rq:results:<id>); requeue: rq:queues
-- KEYS[5]  the worker hash named by the job (its current_job is cleared if it is this job)
-- ARGV[1]  job id
-- ARGV[2]  'fail' or 'requeue'
-- ARGV[3]  timestamp text (RQ format): ended_at (fail) or enqueued_at (requeue)
-- ARGV[4]  fail: failed-registry score; requeue: unused
-- ARGV[5]  fail: exc_string (base64 of zlib of the text); requeue: unused
-- ARGV[6]  fail: failure ttl in seconds (-1 keeps for ever); requeue: unused
-- ARGV[7]  fail: worker name for the result entry
-- Returns 0 when the job is no longer started or not in the registry (nothing changed), 1 done.
if redis.call('HGET', KEYS[2], 'status') ~= 'started' then return 0 end
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
if removed == 0 then
  local prefix = ARGV[1] .. ':'
  for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    if string.sub(member, 1, #prefix) == prefix then removed = removed + redis.call('ZREM', KEYS[1], member) end
  end
end
if removed == 0 then return 0 end
if redis.call('HGET', KEYS[5], 'current_job') == ARGV[1] then redis.call('HDEL', KEYS[5], 'current_job') end
if ARGV[2] == 'fail' then
  redis.call('HSET', KEYS[2], 'status', 'failed', 'ended_at', ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', '10', '*', 'type', '2', 'worker_name', ARGV[7], 'exc_string', ARGV[5])
  local ttl = tonumber(ARGV[6])
  if ttl >= 0 then
    redis.call('EXPIRE', KEYS[2], ttl)
    redis.call('EXPIRE', KEYS[4], ttl)
  end
else
  redis.call('HSET', KEYS[2], 'status', 'queued', 'enqueued_at', ARGV[3], 'started_at', '', 'ended_at', '')
  redis.call('SADD', KEYS[4], KEYS[3])
  redis.call('LPUSH', KEYS[3], ARGV[1])
end
return 1
