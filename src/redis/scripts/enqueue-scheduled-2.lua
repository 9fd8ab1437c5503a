-- KEYS[1]  scheduled registry (rq:scheduled:<q>)
-- KEYS[2]  queue list (rq:queue:<q>)
-- ARGV[1]  now, integer Unix seconds
-- ARGV[2]  job key prefix (rq:job:)
-- ARGV[3]  timestamp text (RQ format) for enqueued_at
-- ARGV[4]  the set of all queues (rq:queues)
-- ARGV[5]  at most this many jobs per call
-- Guarantee: each due id moves from the scheduled registry to its queue, status `queued`,
-- in one atomic step, so two schedulers (rqts or Python) can never enqueue a job twice.
-- Ids whose hash is gone are dropped from the registry. Returns the ids enqueued.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], 0, ARGV[1], 'LIMIT', 0, tonumber(ARGV[5]))
local moved = {}
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  local jobKey = ARGV[2] .. id
  if redis.call('EXISTS', jobKey) == 1 then
    redis.call('HSET', jobKey, 'status', 'queued', 'enqueued_at', ARGV[3])
    redis.call('SADD', ARGV[4], KEYS[2])
    if redis.call('HGET', jobKey, 'enqueue_at_front') == '1' then
      redis.call('LPUSH', KEYS[2], id)
    else
      redis.call('RPUSH', KEYS[2], id)
    end
    table.insert(moved, id)
  end
end
return moved
