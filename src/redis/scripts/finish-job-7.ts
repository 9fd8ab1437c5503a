import { EXECUTION_KEY_PREFIX, EXECUTIONS_KEY_PREFIX } from '../keys.js';
import { RELEASE_DEPENDENTS_FN } from './release-dependents-fn.js';

// KEYS[1]  job hash (rq:job:<id>)
// KEYS[2]  started registry (rq:wip:<q>)
// KEYS[3]  finished registry (rq:finished:<q>)
// KEYS[4]  results stream (rq:results:<id>)
// KEYS[5]  worker hash (rq:worker:<w>), used only when ARGV[8] is not '0'
// KEYS[6]  dependents set (rq:job:<id>:dependents)
// KEYS[7]  dependencies set (rq:job::<id>:dependencies)
// ARGV[1]  job id
// ARGV[2]  ended_at, RQ timestamp text
// ARGV[3]  result_ttl (seconds; 0 deletes the job, -1 keeps it forever)
// ARGV[4]  now, integer Unix seconds
// ARGV[5]  base64 return value, or '' when the job returned nothing
// ARGV[6]  seconds the job ran (worker's total_working_time)
// ARGV[7]  worker key TTL once idle
// ARGV[8]  '1' to update the worker hash (counters, state idle, heartbeat), '2' counters only
//          (and only if the worker hash exists), '0' not at all
// ARGV[9..12]  job key prefix, queue key prefix, deferred registry prefix, rq:queues
// ARGV[13] '1' when the job has dependencies (its dependencies set gets the result TTL), else '0'
// ARGV[14] the job's started-registry member as its worker wrote it ('' for the job id); an
//          RQ 2.x member `id:execution_id` also names the execution whose records go, and
//          whose id and times the result entry carries (as 2.10 writes them)
// ARGV[15] the worker that must still hold the job ('' for no fence)
// ARGV[16] the call's step token ('' for none), kept in the worker hash as `rqts_step`
// Guarantee: RQ 1.16's whole success step (docs/protocol.md §6.5) in one atomic call: the job is
// finished with its result, out of the started registry, its dependents released and the
// worker's counters moved, or none of it. A job hash deleted while the job ran is not
// brought back. Returns 1, or 0 when the job hash was gone.
// Fence: with ARGV[15], the job must still be this worker's (its member in the started
// registry, its worker_name ARGV[15]); else nothing is written and the reason comes back as
// text, so a worker that was stopped past its TTL cannot finish a job maintenance already
// failed or another worker took. A call whose token the worker hash holds already ran (its
// reply was lost and the client sent it again): it answers 'replayed' and writes nothing.
// The success step as a Lua function over its own key and argument tables, so the
// finish-and-dequeue script can run it in the same call (Lua scripts cannot call each other).
// `mode` is ARGV[8]'s meaning: '1' full worker update, '2' counters only (the caller sets the
// state), '0' none. `workerExists` may be given when the caller already asked (nil: ask).
// `dependencies` false skips the EXPIRE of a dependencies set the job never had.
export const FINISH_JOB_FN = `
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
    local executionKey = '${EXECUTION_KEY_PREFIX}' .. member
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
    local executionsKey = '${EXECUTIONS_KEY_PREFIX}' .. id
    redis.call('ZREM', executionsKey, execution)
    if redis.call('ZCARD', executionsKey) == 0 then redis.call('DEL', executionsKey) end
  end
  local exists = redis.call('EXISTS', K[1]) == 1
  if exists then
    if redis.call('EXISTS', K[6]) == 1 then
      -- A composite member means this worker speaks 2.x: RQ 2.8+'s dependency rule.
      local rule = '1'
      if execution then rule = '2' end
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
  if mode == '2' and workerExists == nil then workerExists = redis.call('EXISTS', K[5]) == 1 end
  if A[16] and A[16] ~= '' and (mode == '1' or workerExists) then redis.call('HSET', K[5], 'rqts_step', A[16]) end
  if mode == '1' or (mode == '2' and workerExists) then
    redis.call('HINCRBY', K[5], 'successful_job_count', 1)
    redis.call('HINCRBYFLOAT', K[5], 'total_working_time', A[6])
    if mode == '1' then
      redis.call('HDEL', K[5], 'current_job')
      redis.call('HSET', K[5], 'current_job_working_time', '0', 'state', 'idle', 'last_heartbeat', ended)
      redis.call('EXPIRE', K[5], A[7])
    end
  end
  if exists then return 1 else return 0 end
end
`;

export const FINISH_JOB_7 = `${RELEASE_DEPENDENTS_FN}${FINISH_JOB_FN}
return finishJob(KEYS, ARGV, ARGV[8], nil, ARGV[13] == '1')
`;
