import { RELEASE_DEPENDENTS_FN } from './release-dependents-fn.js';

// KEYS[1]  job hash (rq:job:<id>)
// KEYS[2]  started registry (rq:wip:<q>)
// KEYS[3]  finished registry (rq:finished:<q>)
// KEYS[4]  results stream (rq:results:<id>)
// KEYS[5]  worker hash (rq:worker:<w>), used only when ARGV[8] is '1'
// KEYS[6]  dependents set (rq:job:<id>:dependents)
// KEYS[7]  dependencies set (rq:job::<id>:dependencies)
// ARGV[1]  job id
// ARGV[2]  ended_at, RQ timestamp text
// ARGV[3]  result_ttl (seconds; 0 deletes the job, -1 keeps it forever)
// ARGV[4]  now, integer Unix seconds
// ARGV[5]  base64 return value, or '' when the job returned nothing
// ARGV[6]  seconds the job ran (worker's total_working_time)
// ARGV[7]  worker key TTL once idle
// ARGV[8]  '1' to update the worker hash (counters, state idle, heartbeat)
// ARGV[9..12]  job key prefix, queue key prefix, deferred registry prefix, rq:queues
// Guarantee: RQ 1.16's whole success step (rq-protocol §6.5) in one atomic call: the job is
// finished with its result, out of the started registry, its dependents released and the
// worker's counters moved, or none of it. A job hash deleted while the job ran is not
// brought back. Returns 1, or 0 when the job hash was gone.
export const FINISH_JOB_7 = `${RELEASE_DEPENDENTS_FN}
local id, ended, ttl, now = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local exists = redis.call('EXISTS', KEYS[1]) == 1
if exists then
  if redis.call('EXISTS', KEYS[6]) == 1 then
    releaseDependents(KEYS[6], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ended, id, 'finished')
  end
  if ttl ~= 0 then
    redis.call('HSET', KEYS[1], 'status', 'finished', 'ended_at', ended)
    if ARGV[5] ~= '' then
      redis.call('XADD', KEYS[4], 'MAXLEN', '~', '10', '*', 'type', '1', 'return_value', ARGV[5])
    else
      redis.call('XADD', KEYS[4], 'MAXLEN', '~', '10', '*', 'type', '1')
    end
    if ttl > 0 then redis.call('EXPIRE', KEYS[4], ttl) else redis.call('PERSIST', KEYS[4]) end
    if ttl > 0 then redis.call('ZADD', KEYS[3], now + ttl, id) else redis.call('ZADD', KEYS[3], '+inf', id) end
  end
  if ttl > 0 then
    redis.call('EXPIRE', KEYS[1], ttl)
    redis.call('EXPIRE', KEYS[6], ttl)
    redis.call('EXPIRE', KEYS[7], ttl)
  elseif ttl == 0 then
    redis.call('DEL', KEYS[1], KEYS[6], KEYS[7])
  else
    redis.call('PERSIST', KEYS[1])
  end
end
redis.call('ZREM', KEYS[2], id)
if ARGV[8] == '1' then
  redis.call('HDEL', KEYS[5], 'current_job')
  redis.call('HINCRBY', KEYS[5], 'successful_job_count', 1)
  redis.call('HINCRBYFLOAT', KEYS[5], 'total_working_time', ARGV[6])
  redis.call('HSET', KEYS[5], 'current_job_working_time', '0', 'state', 'idle', 'last_heartbeat', ended)
  redis.call('EXPIRE', KEYS[5], ARGV[7])
end
if exists then return 1 else return 0 end
`;
