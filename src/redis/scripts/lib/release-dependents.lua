-- A Lua fragment shared by scripts (Lua scripts cannot call each other): releases the
-- deferred dependents of a parent job. See release-dependents-1.lua for its contract.
-- `rule` 'rq2' is RQ 2.8+'s (docs/protocol.md §6.10): only a failed parent releases an
-- allow_failure dependent; stopped and canceled ones keep it deferred. Anything else ('rq1')
-- is 1.x's, where failed, stopped and canceled all count as ended.
local function releaseDependents(dependentsKey, jobPrefix, queuePrefix, deferredPrefix, allQueues, ts, parentId, outcome, rule)
  local released = {}
  for _, id in ipairs(redis.call('SMEMBERS', dependentsKey)) do
    local jobKey = jobPrefix .. id
    local f = redis.call('HMGET', jobKey, 'status', 'dependency_ids', 'dependency_id', 'allow_dependency_failures', 'origin', 'enqueue_at_front')
    if f[1] == 'deferred' and f[5] then
      local deps = {}
      if f[2] and f[2] ~= '' then
        local ok, decoded = pcall(cjson.decode, f[2])
        if ok and type(decoded) == 'table' then deps = decoded end
      elseif f[3] and f[3] ~= '' then
        deps = {f[3]}
      end
      local ready = true
      for _, dep in ipairs(deps) do
        local status
        if dep == parentId then status = outcome else status = redis.call('HGET', jobPrefix .. dep, 'status') end
        local ended = status == 'failed' or (rule ~= 'rq2' and (status == 'stopped' or status == 'canceled'))
        if not (status == 'finished' or (f[4] == '1' and ended)) then
          ready = false
          break
        end
      end
      if ready then
        redis.call('HSET', jobKey, 'status', 'queued', 'enqueued_at', ts)
        redis.call('ZREM', deferredPrefix .. f[5], id)
        redis.call('SADD', allQueues, queuePrefix .. f[5])
        if f[6] == '1' then redis.call('LPUSH', queuePrefix .. f[5], id) else redis.call('RPUSH', queuePrefix .. f[5], id) end
        table.insert(released, id)
      end
    end
  end
  return released
end
