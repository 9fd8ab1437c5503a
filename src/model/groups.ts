import type { Redis } from 'ioredis';
import { JOB_KEY_PREFIX, keys } from '../redis/keys.js';
import { SCRIPTS } from '../redis/scripts/index.js';

// RQ 2.x groups (`rq:groups`, `rq:group:<id>`): a 2.x worker's maintenance removes members
// whose job is gone and groups left empty (docs/protocol.md §7.5). rqts does the same when it
// speaks 2, one atomic script call per group.

/** Cleans every group; returns how many members were removed. */
export async function cleanGroups(connection: Redis): Promise<number> {
  let removed = 0;
  for (const id of await connection.smembers(keys.allGroups))
    removed += await SCRIPTS.cleanGroup.call(
      connection,
      [keys.allGroups, keys.group(id)],
      [id, JOB_KEY_PREFIX],
    );
  return removed;
}
