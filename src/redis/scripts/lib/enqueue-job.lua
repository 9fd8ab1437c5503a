-- A fragment (Lua scripts cannot call each other): RQ's enqueue of one job, over its own key
-- and argument tables, so fenced-batch-3 can run it for a retry. Its contract is
-- enqueue-job-3.lua's.
local function enqueueJob(K, A)
  redis.call('SADD', K[1], K[3])
  redis.call('HSET', K[2], unpack(A, 6))
  local ttl = tonumber(A[3])
  if ttl > 0 then
    redis.call('EXPIRE', K[2], ttl)
    redis.call('EXPIRE', A[4], ttl)
    redis.call('EXPIRE', A[5], ttl)
  end
  if A[2] == 'front' then return redis.call('LPUSH', K[3], A[1]) end
  return redis.call('RPUSH', K[3], A[1])
end
