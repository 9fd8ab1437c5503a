-- KEYS[1]  the set of all group ids (rq:groups)
-- KEYS[2]  one group's set of job ids (rq:group:<id>)
-- ARGV[1]  the group's id
-- ARGV[2]  job key prefix (rq:job:)
-- Guarantee: RQ 2.x's group clean-up (docs/protocol.md §7.5) for one group in one atomic step:
-- members whose job hash is gone (expired after their result or failure TTL, or deleted) leave
-- the group, and a group left empty (Redis drops the set) leaves rq:groups, so a job added to
-- the group meanwhile can never be dropped with it.
-- Returns the number of members removed.
local removed = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[2] .. id) == 0 then
    redis.call('SREM', KEYS[2], id)
    removed = removed + 1
  end
end
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SREM', KEYS[1], ARGV[1]) end
return removed
