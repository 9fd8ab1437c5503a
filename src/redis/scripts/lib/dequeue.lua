-- A fragment (contract: dequeue-n.lua): the dequeue as a Lua function reading its key pairs
-- from K after position k0 and its 13 arguments from A after position a0 (no copies: this
-- runs once per job), so the finish-and-dequeue script can run it after a finish in the same
-- call. `workerExists` may be given when the caller already asked (nil: ask); so may
-- `replay` (nil: check the token).
-- The field list is spelled out in the script text rather than built as a table on every
-- call; it is JOB_HASH_FIELDS of src/redis/job-fields.ts, in that order, and
-- test/redis/scripts.test.ts holds the two equal. FIELD_* (their 1-based positions) and
-- EXECUTION_PREFIX, EXECUTIONS_PREFIX (from keys.ts) are constants given ahead of the files.
local function startedMember(id, execution)
  if execution and execution ~= '' then return id .. ':' .. execution end
  return id
end

local function jobFields(jobKey, known)
  if known then return redis.call('HMGET', jobKey, 'data', 'origin', 'status', 'description', 'timeout', 'result_ttl', 'failure_ttl', 'ttl', 'retries_left', 'created_at', 'enqueued_at', 'started_at', 'ended_at', 'last_heartbeat', 'worker_name', 'success_callback_name', 'failure_callback_name', 'stopped_callback_name', 'success_callback_timeout', 'failure_callback_timeout', 'stopped_callback_timeout', 'retry_intervals', 'dependency_ids', 'dependency_id', 'meta', 'exc_info', 'repeats_left', 'repeat_intervals', 'enqueue_at_front_on_retry', 'webhooks') end
  return redis.call('HGETALL', jobKey)
end

local function replayedDequeue(K, k0, A, a0)
  local id = redis.call('HGET', A[a0 + 1], 'current_job')
  if not id then return nil end
  for i = k0 + 1, #K, 2 do
    if redis.call('ZSCORE', K[i + 1], startedMember(id, A[a0 + 12])) then
      local jobKey = A[a0 + 2] .. id
      if redis.call('HGET', jobKey, 'worker_name') ~= A[a0 + 3] then return nil end
      return {(i - k0 + 1) / 2, id, jobFields(jobKey, A[a0 + 9] == 'known-fields')}
    end
  end
  return nil
end

local function dequeue(K, k0, A, a0, workerExists, replay)
  local workerKey = A[a0 + 1]
  if workerExists == nil then workerExists = redis.call('EXISTS', workerKey) == 1 end
  if not workerExists or redis.call('SISMEMBER', A[a0 + 10], workerKey) == 0 then return 'unregistered' end
  local token = A[a0 + 11]
  if replay == nil then replay = token ~= '' and redis.call('HGET', workerKey, 'rqts_step') == token end
  if replay then return replayedDequeue(K, k0, A, a0) end
  if redis.call('EXISTS', A[a0 + 8]) == 1 then return 'suspended' end
  local dropped = nil
  for i = k0 + 1, #K, 2 do
    while true do
      local id = redis.call('LPOP', K[i])
      if not id then break end
      local jobKey = A[a0 + 2] .. id
      -- With the known fields wanted, one HMGET both checks the job and is the reply.
      local known = A[a0 + 9] == 'known-fields'
      local fields
      if known then fields = redis.call('HMGET', jobKey, 'data', 'origin', 'status', 'description', 'timeout', 'result_ttl', 'failure_ttl', 'ttl', 'retries_left', 'created_at', 'enqueued_at', 'started_at', 'ended_at', 'last_heartbeat', 'worker_name', 'success_callback_name', 'failure_callback_name', 'stopped_callback_name', 'success_callback_timeout', 'failure_callback_timeout', 'stopped_callback_timeout', 'retry_intervals', 'dependency_ids', 'dependency_id', 'meta', 'exc_info', 'repeats_left', 'repeat_intervals', 'enqueue_at_front_on_retry', 'webhooks') else fields = redis.call('HMGET', jobKey, 'data', 'timeout') end
      if fields[1] then
        local interval = tonumber(A[a0 + 6])
        local timeout
        if known then timeout = tonumber(fields[FIELD_TIMEOUT] or '') else timeout = tonumber(fields[2] or '') end
        local ttl
        if A[a0 + 7] == 'simple' then
          if timeout == -1 then ttl = 420 else ttl = (timeout or 420) + 60 end
        else
          if timeout and timeout > 0 then ttl = math.min(timeout, interval) + 60 else ttl = interval + 60 end
        end
        local now = A[a0 + 4]
        local execution = A[a0 + 12]
        redis.call('ZADD', K[i + 1], tonumber(A[a0 + 5]) + ttl, startedMember(id, execution))
        if execution and execution ~= '' then
          local executionKey = EXECUTION_PREFIX .. id .. ':' .. execution
          local executionsKey = EXECUTIONS_PREFIX .. id
          redis.call('HSET', executionKey, 'id', execution, 'created_at', A[a0 + 13], 'last_heartbeat', A[a0 + 13])
          redis.call('EXPIRE', executionKey, ttl)
          redis.call('ZADD', executionsKey, tonumber(A[a0 + 5]) + ttl + 60, execution)
          redis.call('EXPIRE', executionsKey, ttl + 60)
        end
        redis.call('HSET', jobKey, 'status', 'started', 'started_at', now, 'last_heartbeat', now, 'worker_name', A[a0 + 3])
        redis.call('PERSIST', jobKey)
        redis.call('HSET', workerKey, 'current_job', id, 'current_job_working_time', '0', 'state', 'busy', 'last_heartbeat', now, 'rqts_step', token)
        redis.call('EXPIRE', workerKey, ttl)
        local index = (i - k0 + 1) / 2
        if known then
          fields[FIELD_STATUS] = 'started'
          fields[FIELD_STARTED_AT] = now
          fields[FIELD_LAST_HEARTBEAT] = now
          fields[FIELD_WORKER_NAME] = A[a0 + 3]
        else
          fields = redis.call('HGETALL', jobKey)
        end
        if dropped then return {index, id, fields, dropped} end
        return {index, id, fields}
      end
      dropped = dropped or {}
      table.insert(dropped, (i - k0 + 1) / 2)
      table.insert(dropped, id)
    end
  end
  if dropped then return {0, '', {}, dropped} end
  return nil
end
