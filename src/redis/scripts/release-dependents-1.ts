// KEYS[1]  the parent's dependents set (rq:job:<parent>:dependents)
// ARGV[1]  job key prefix (rq:job:)
// ARGV[2]  queue key prefix (rq:queue:)
// ARGV[3]  deferred registry prefix (rq:deferred:)
// ARGV[4]  the set of all queues (rq:queues)
// ARGV[5]  timestamp text (RQ format) for enqueued_at
// ARGV[6]  the parent's id
// ARGV[7]  the parent's outcome: 'finished' or 'failed'
// Guarantee: every deferred dependent whose dependencies are now all finished (or, for jobs
// that allow dependency failures, ended) moves from its deferred registry to its queue in the
// same atomic step, so two parents finishing together can never enqueue a dependent twice.
// The parent counts as ARGV[7] even when its hash is already gone (result_ttl 0).
// Returns the ids released.
export const RELEASE_DEPENDENTS_1 = `
local released = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local jobKey = ARGV[1] .. id
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
      if dep == ARGV[6] then status = ARGV[7] else status = redis.call('HGET', ARGV[1] .. dep, 'status') end
      local ended = status == 'failed' or status == 'stopped' or status == 'canceled'
      if not (status == 'finished' or (f[4] == '1' and ended)) then
        ready = false
        break
      end
    end
    if ready then
      redis.call('HSET', jobKey, 'status', 'queued', 'enqueued_at', ARGV[5])
      redis.call('ZREM', ARGV[3] .. f[5], id)
      redis.call('SADD', ARGV[4], ARGV[2] .. f[5])
      if f[6] == '1' then redis.call('LPUSH', ARGV[2] .. f[5], id) else redis.call('RPUSH', ARGV[2] .. f[5], id) end
      table.insert(released, id)
    end
  end
end
return released
`;
