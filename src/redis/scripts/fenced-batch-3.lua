-- KEYS[1]  job hash (rq:job:<id>)
-- KEYS[2]  the started registry the worker put the job in (rq:wip:<q>)
-- KEYS[3]  worker hash (rq:worker:<w>)
-- ARGV[1]  the job's started-registry member as the worker wrote it
-- ARGV[2]  the worker that must still hold the job
-- ARGV[3]  the call's step token ('' for none), kept in the worker hash as `rqts_step`
-- ARGV[4..]  commands, each as: argument count n, name, n arguments. The names
--          rqtsEnqueueJob and rqtsReleaseDependents run those scripts' bodies (3 keys and
--          1 key first, as their callers queue them), since a script cannot call a script.
-- Guarantee: a worker's failure, retry, stop or hand-back of a job (the commands
-- transitions.ts queues, with the worker's counters) happens only while the job is still this
-- worker's: its member in the started registry and its worker_name ARGV[2]. Else nothing is
-- written and the reason comes back, so a worker stopped past its TTL cannot fail or retry a
-- job that maintenance already failed or another worker took. Commands on the worker hash
-- are skipped when that hash is gone (no stub outside rq:workers). A call whose token the
-- worker hash already holds ran before (its reply was lost and the client sent it again):
-- it answers 'replayed' and writes nothing, so a retry is never pushed twice.
-- Returns 'ok', 'replayed' or the reason the job is no longer this worker's.
-- Runs lib/release-dependents.lua and lib/enqueue-job.lua, given ahead of this file.
local token = ARGV[3]
local workerExists = redis.call('EXISTS', KEYS[3]) == 1
if token ~= '' and workerExists and redis.call('HGET', KEYS[3], 'rqts_step') == token then return 'replayed' end
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 'it is no longer in the started registry' end
local owner = redis.call('HGET', KEYS[1], 'worker_name')
if owner ~= ARGV[2] then return 'its worker_name is now ' .. (owner or 'unset') end
local i = 4
while i <= #ARGV do
  local n, name = tonumber(ARGV[i]), ARGV[i + 1]
  local first, last = i + 2, i + 1 + n
  if name == 'rqtsEnqueueJob' then
    enqueueJob({ARGV[first], ARGV[first + 1], ARGV[first + 2]}, {unpack(ARGV, first + 3, last)})
  elseif name == 'rqtsReleaseDependents' then
    releaseDependents(unpack(ARGV, first, last))
  elseif workerExists or ARGV[first] ~= KEYS[3] then
    redis.call(name, unpack(ARGV, first, last))
  end
  i = last + 1
end
if token ~= '' and workerExists then redis.call('HSET', KEYS[3], 'rqts_step', token) end
return 'ok'
