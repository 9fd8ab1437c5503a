-- The console's bulk actions on a chunk of jobs listed in one queue or registry: requeue,
-- move to the failed registry, or delete. Each job of the chunk is moved in this one atomic
-- call, so a job is never in two places or none, whatever else runs (a worker, Python RQ, a
-- cancelled bulk action stops between chunks). Per job it writes what RQ's own code writes
-- (docs/protocol.md §6): requeue as BaseRegistry.requeue (the same fields as
-- requeue-failed-4), fail as FailedJobRegistry.add plus a failed result entry (as
-- resolve-orphan-5's fail), delete as Job.delete (hash, dependents and dependencies keys;
-- the results stream and RQ 2.x's executions zset too, which would otherwise outlive it).
--
-- KEYS[1]  where the jobs are listed: the queue list (rq:queue:<q>) or a registry zset
-- KEYS[2]  requeue: the queue list the jobs go back to; fail: the failed registry; delete: KEYS[1]
-- KEYS[3]  the set of all queues (rq:queues)
-- KEYS[3 + 5i + 1 .. 5]  job i: its hash, results stream, dependents set, dependencies set,
--                        executions zset (all from src/redis/keys.ts)
-- ARGV[1]  'requeue', 'fail' or 'delete'
-- ARGV[2]  'list' when KEYS[1] is a list (LREM), 'zset' when a registry (ZREM)
-- ARGV[3]  timestamp text (RQ format): enqueued_at (requeue) or ended_at (fail)
-- ARGV[4]  now in epoch seconds (fail: the failed-registry score is now + failure_ttl)
-- ARGV[5]  requeue: compressed empty text (RQ's cleared exc_info); fail: exc_string
--          (base64 of zlib of the text) of the failed result entry
-- ARGV[6]  fail: the failure ttl for jobs that set none (RQ's default, 1 year)
-- ARGV[6 + i]  job i's id
-- Returns {moved, not listed any more (left alone), hash gone (only unlisted)}.
local op, listType, stamp, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local moved, absent, gone = 0, 0, 0
for i = 7, #ARGV do
  local id = ARGV[i]
  local base = 3 + (i - 7) * 5
  local job, results = KEYS[base + 1], KEYS[base + 2]
  local removed
  if listType == 'list' then removed = redis.call('LREM', KEYS[1], 1, id)
  else removed = redis.call('ZREM', KEYS[1], id) end
  if removed == 0 then
    absent = absent + 1
  elseif op == 'delete' then
    redis.call('DEL', job, results, KEYS[base + 3], KEYS[base + 4], KEYS[base + 5])
    moved = moved + 1
  elseif redis.call('EXISTS', job) == 0 then
    gone = gone + 1
  elseif op == 'requeue' then
    redis.call('HSET', job, 'status', 'queued', 'started_at', '', 'ended_at', '', 'exc_info', ARGV[5], 'enqueued_at', stamp)
    local ttl = tonumber(redis.call('HGET', job, 'ttl') or '')
    if ttl and ttl > 0 then redis.call('EXPIRE', job, ttl) end
    redis.call('SADD', KEYS[3], KEYS[2])
    redis.call('RPUSH', KEYS[2], id)
    moved = moved + 1
  else
    local ttl = tonumber(redis.call('HGET', job, 'failure_ttl') or '') or tonumber(ARGV[6])
    local score = now + ttl
    if ttl < 0 then score = ttl end
    redis.call('HSET', job, 'status', 'failed', 'ended_at', stamp)
    redis.call('ZADD', KEYS[2], score, id)
    redis.call('XADD', results, 'MAXLEN', '~', '10', '*', 'type', '2', 'worker_name', '', 'exc_string', ARGV[5])
    if ttl >= 0 then
      redis.call('EXPIRE', job, ttl)
      redis.call('EXPIRE', results, ttl)
    end
    moved = moved + 1
  end
end
return {moved, absent, gone}
