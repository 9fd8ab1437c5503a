-- KEYS[1]  the queue list (rq:queue:<q>)
-- ARGV[1]  job key prefix (rq:job:)
-- ARGV[2]  dependents suffix (:dependents)
-- Guarantee: every id popped from the list has its job hash and dependents set deleted in
-- the same atomic step (RQ's Queue.empty); registries and results are left alone.
-- Returns the number of ids removed.
local count = 0
while true do
  local id = redis.call('LPOP', KEYS[1])
  if not id then break end
  redis.call('DEL', ARGV[1] .. id, ARGV[1] .. id .. ARGV[2])
  count = count + 1
end
return count
