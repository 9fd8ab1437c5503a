-- KEYS[1..7]   the keys of finish-job-7.lua
-- KEYS[8..]    the key pairs of dequeue-n.lua (queue list, its started registry), in priority order
-- ARGV[1..16]  the arguments of finish-job-7.lua (ARGV[8], the worker update, is implied: counters
--              here, the state with the dequeue)
-- ARGV[17..29] the 13 arguments of dequeue-n.lua
-- A job fenced off (no longer this worker's) is not finished, and the next dequeue still
-- happens. A replayed call (its token already in the worker hash) writes nothing and answers
-- the job its first run took.
-- Guarantee: a job's success step and the worker's next dequeue in one atomic call, one
-- command and one reply per job while a queue has work (a pipeline of two script calls
-- cost the worker a second command to build and parse, and Redis a second script run).
-- The worker's counters always move; its state becomes busy on the next job, or idle when
-- there is none. A worker whose hash is gone gets no stub: the dequeue answers
-- 'unregistered' and the worker registers again.
-- Returns {finish reply, dequeue reply} as the two scripts return them.
-- Runs lib/release-dependents.lua, lib/finish-job.lua and lib/dequeue.lua, given ahead of this file.
local workerExists = redis.call('EXISTS', KEYS[5]) == 1
local finished = finishJob(KEYS, ARGV, 'counters', workerExists, ARGV[13] == 'with-dependencies')
local taken = dequeue(KEYS, 7, ARGV, 16, workerExists, finished == 'replayed')
if finished ~= 'replayed' and (type(taken) ~= 'table' or taken[1] == 0) and taken ~= 'unregistered' then
  redis.call('HDEL', KEYS[5], 'current_job')
  redis.call('HSET', KEYS[5], 'current_job_working_time', '0', 'state', 'idle', 'last_heartbeat', ARGV[2])
  redis.call('EXPIRE', KEYS[5], ARGV[7])
end
return {finished, taken or false}
