import { JOB_HASH_FIELDS } from '../job-fields.js';
import { EXECUTION_KEY_PREFIX, EXECUTIONS_KEY_PREFIX } from '../keys.js';

// KEYS     pairs, in priority order: queue list (rq:queue:<q>), its started registry (rq:wip:<q>)
// ARGV[1]  worker key (rq:worker:<w>)
// ARGV[2]  job key prefix (rq:job:)
// ARGV[3]  worker name
// ARGV[4]  timestamp text (RQ format) for started_at / last_heartbeat
// ARGV[5]  now, integer Unix seconds
// ARGV[6]  job monitoring interval (seconds)
// ARGV[7]  'horse' or 'simple' (how the heartbeat TTL is computed, docs/protocol.md §2.3)
// ARGV[8]  suspension key (rq:suspended)
// ARGV[9]  '1' to return only the job fields rqts reads (JOB_HASH_FIELDS, in that order),
//          '0' for the whole hash (a custom job class may read fields of its own)
// ARGV[10] the registration set (rq:workers)
// ARGV[11] this call's step token, unique per call of this worker ('' for none)
// ARGV[12] speaking RQ 2.x: the new execution's id ('' speaking 1.x: plain ids)
// ARGV[13] speaking RQ 2.x: now as float epoch seconds (the execution's created_at)
// Speaking 2.x the started-registry member is `id:execution_id`, and the execution's records
// are written with it, as a 2.10 worker writes them: hash rq:execution:<id>:<exec> (id,
// created_at, last_heartbeat; TTL = heartbeat TTL) and zset rq:executions:<id> (exec scored
// now + TTL + 60, key TTL TTL + 60).
// Guarantee: a job id leaves its queue and enters its started registry, with the job marked
// `started` for this worker and the worker marked `busy` on it, in one atomic step. There is
// no moment at which the id is in no list and no registry, so a worker killed at any point
// leaves the job either queued or started (and the abandoned-job clean-up of Python RQ or
// rqts fails it with a reason). Ids whose hash has no `data` (expired or deleted jobs) are
// dropped, as RQ's dequeue drops them, and named in the reply so the worker can log them.
// A worker whose own key is gone (Redis restarted or flushed), or who is no longer in
// rq:workers, takes nothing: it must register again first, or it would work invisibly.
// Replay: a call whose token the worker hash already holds (`rqts_step`) ran before, and its
// reply was lost on a dropped connection (ioredis sends unanswered commands again after a
// reconnect); it pops nothing and answers the job it took then, if the worker still has it.
// Returns nil (nothing queued), 'suspended', 'unregistered', or {queue index (1-based), id,
// HMGET of JOB_HASH_FIELDS or HGETALL of the job, [dropped]}; with ids dropped and no job,
// {0, '', {}, dropped}. `dropped` lists queue index, id, queue index, id … of the ids dropped.
// The body as a Lua function reading its key pairs from K after position k0 and its 13
// arguments from A after position a0 (no copies: this runs once per job), so the
// finish-and-dequeue script can run it after a finish in the same call. `workerExists`
// may be given when the caller already asked (nil: ask); so may `replay` (nil: check the token). The field list is spelled out in
// the script text rather than built as a table on every call.
const QUOTED_FIELDS = JOB_HASH_FIELDS.map((field) => `'${field}'`).join(', ');

/** A field's 1-based position in JOB_HASH_FIELDS, as Lua indexes the HMGET reply. */
function fieldNumber(field: (typeof JOB_HASH_FIELDS)[number]): number {
  return JOB_HASH_FIELDS.indexOf(field) + 1;
}

export const DEQUEUE_FN = `
local function startedMember(id, execution)
  if execution and execution ~= '' then return id .. ':' .. execution end
  return id
end

local function jobFields(jobKey, known)
  if known then return redis.call('HMGET', jobKey, ${QUOTED_FIELDS}) end
  return redis.call('HGETALL', jobKey)
end

local function replayedDequeue(K, k0, A, a0)
  local id = redis.call('HGET', A[a0 + 1], 'current_job')
  if not id then return nil end
  for i = k0 + 1, #K, 2 do
    if redis.call('ZSCORE', K[i + 1], startedMember(id, A[a0 + 12])) then
      local jobKey = A[a0 + 2] .. id
      if redis.call('HGET', jobKey, 'worker_name') ~= A[a0 + 3] then return nil end
      return {(i - k0 + 1) / 2, id, jobFields(jobKey, A[a0 + 9] == '1')}
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
      local known = A[a0 + 9] == '1'
      local fields
      if known then fields = redis.call('HMGET', jobKey, ${QUOTED_FIELDS}) else fields = redis.call('HMGET', jobKey, 'data', 'timeout') end
      if fields[1] then
        local interval = tonumber(A[a0 + 6])
        local timeout
        if known then timeout = tonumber(fields[${fieldNumber('timeout')}] or '') else timeout = tonumber(fields[2] or '') end
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
          local executionKey = '${EXECUTION_KEY_PREFIX}' .. id .. ':' .. execution
          local executionsKey = '${EXECUTIONS_KEY_PREFIX}' .. id
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
          fields[${fieldNumber('status')}] = 'started'
          fields[${fieldNumber('started_at')}] = now
          fields[${fieldNumber('last_heartbeat')}] = now
          fields[${fieldNumber('worker_name')}] = A[a0 + 3]
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
`;

export const DEQUEUE_N = `${DEQUEUE_FN}
return dequeue(KEYS, 0, ARGV, 0, nil, nil)
`;
