-- A fragment (contract: finish-job-7.lua): the success step as a Lua function over its own
-- key and argument tables, so the finish-and-dequeue script can run it in the same call (Lua
-- scripts cannot call each other).
-- `mode` is ARGV[8]'s meaning: 'worker' full worker update, 'counters' counters only (the
-- caller sets the state), 'none'. `workerExists` may be given when the caller already asked (nil: ask).
-- `dependencies` false skips the EXPIRE of a dependencies set the job never had.
-- EXECUTION_PREFIX and EXECUTIONS_PREFIX (rq:execution:, rq:executions:) are constants given
-- ahead of the files (index.ts, from keys.ts).
local function finishFence(K, A)
  local token, holder = A[16], A[15]
  if token and token ~= '' and redis.call('HGET', K[5], 'rqts_step') == token then return 'replayed' end
  if not holder or holder == '' then return nil end
  if not redis.call('ZSCORE', K[2], A[14]) then return 'it is no longer in the started registry' end
  local owner = redis.call('HGET', K[1], 'worker_name')
  if owner ~= holder then return 'its worker_name is now ' .. (owner or 'unset') end
  return nil
end

local function finishJob(K, A, mode, workerExists, dependencies)
  local id, ended, ttl, now = A[1], A[2], tonumber(A[3]), tonumber(A[4])
  local fenced = finishFence(K, A)
  if fenced then return fenced end
  local member = A[14]
  if not member or member == '' then member = id end
  local execution = nil
  if member ~= id then execution = string.sub(member, #id + 2) end
  local executionFields = {}
  if execution then
    local executionKey = EXECUTION_PREFIX .. member
    local startedAt = redis.call('HGET', executionKey, 'created_at')
    local clock = redis.call('TIME')
    table.insert(executionFields, 'execution_id')
    table.insert(executionFields, execution)
    if startedAt then
      table.insert(executionFields, 'execution_started_at')
      table.insert(executionFields, startedAt)
    end
    table.insert(executionFields, 'execution_ended_at')
    table.insert(executionFields, clock[1] .. '.' .. string.format('%06d', tonumber(clock[2])))
    redis.call('DEL', executionKey)
    local executionsKey = EXECUTIONS_PREFIX .. id
    redis.call('ZREM', executionsKey, execution)
    if redis.call('ZCARD', executionsKey) == 0 then redis.call('DEL', executionsKey) end
  end
  local exists = redis.call('EXISTS', K[1]) == 1
  if exists then
    if redis.call('EXISTS', K[6]) == 1 then
      -- A composite member means this worker speaks 2.x: RQ 2.8+'s dependency rule.
      local rule = 'rq1'
      if execution then rule = 'rq2' end
      releaseDependents(K[6], A[9], A[10], A[11], A[12], ended, id, 'finished', rule)
      if ttl > 0 then redis.call('EXPIRE', K[6], ttl) elseif ttl == 0 then redis.call('DEL', K[6]) end
    end
    if ttl ~= 0 then
      redis.call('HSET', K[1], 'status', 'finished', 'ended_at', ended)
      -- worker_name as RQ 2.x writes it (1.x readers ignore it): the name the start wrote.
      local worker = redis.call('HGET', K[1], 'worker_name') or ''
      local entry = {'type', '1', 'worker_name', worker}
      if A[5] ~= '' then
        table.insert(entry, 'return_value')
        table.insert(entry, A[5])
      end
      for _, field in ipairs(executionFields) do table.insert(entry, field) end
      redis.call('XADD', K[4], 'MAXLEN', '~', '10', '*', unpack(entry))
      if ttl > 0 then redis.call('EXPIRE', K[4], ttl) else redis.call('PERSIST', K[4]) end
      if ttl > 0 then redis.call('ZADD', K[3], now + ttl, id) else redis.call('ZADD', K[3], '+inf', id) end
    end
    if ttl > 0 then
      redis.call('EXPIRE', K[1], ttl)
      if dependencies then redis.call('EXPIRE', K[7], ttl) end
    elseif ttl == 0 then
      redis.call('DEL', K[1], K[7])
    else
      redis.call('PERSIST', K[1])
    end
  end
  redis.call('ZREM', K[2], member)
  if mode == 'counters' and workerExists == nil then workerExists = redis.call('EXISTS', K[5]) == 1 end
  if A[16] and A[16] ~= '' and (mode == 'worker' or workerExists) then redis.call('HSET', K[5], 'rqts_step', A[16]) end
  if mode == 'worker' or (mode == 'counters' and workerExists) then
    redis.call('HINCRBY', K[5], 'successful_job_count', 1)
    redis.call('HINCRBYFLOAT', K[5], 'total_working_time', A[6])
    if mode == 'worker' then
      redis.call('HDEL', K[5], 'current_job')
      redis.call('HSET', K[5], 'current_job_working_time', '0', 'state', 'idle', 'last_heartbeat', ended)
      redis.call('EXPIRE', K[5], A[7])
    end
  end
  if exists then return 1 else return 0 end
end
