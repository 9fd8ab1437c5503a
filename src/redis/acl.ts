import { keys, PREFIX } from './keys.js';

// Least-privilege Redis ACL rules for the three ways rqts connects, as `ACL SETUSER name on
// >password <rule>` takes them. docs/redis.md prints them and test/production/acl.test.ts
// runs each role as such a user, so the rules and the docs cannot drift from what rqts
// really sends (scripts' inner commands included: Redis checks those against the ACL too).

/** Every RQ key and channel starts with rq: (src/redis/keys); nothing else is touched. */
const KEYS = `~${PREFIX}*`;
const CHANNELS = `&${keys.workerChannel('*')}`;

/** What any rqts client sends on connecting: the ready check, its name, the cluster check. */
const CONNECT = ['ping', 'info', 'quit', 'select', 'client|setname', 'client|getname'];

const READ = [
  'exists',
  'type',
  'ttl',
  'pttl',
  'get',
  'mget',
  'hget',
  'hmget',
  'hgetall',
  'hexists',
  'hlen',
  'llen',
  'lrange',
  'lindex',
  'smembers',
  'sismember',
  'scard',
  'zcard',
  'zcount',
  'zscore',
  'zrange',
  'zrangebyscore',
  'zrevrange',
  'xrange',
  'xrevrange',
  'xlen',
  'pubsub|numsub',
];

const SCRIPTS_AND_TRANSACTIONS = [
  'eval',
  'evalsha',
  'script|load',
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
];

const PRODUCER_WRITE = ['hset', 'hdel', 'expire', 'persist', 'rpush', 'lpush', 'sadd', 'zadd', 'zrem'];

const WORKER_WRITE = [
  ...PRODUCER_WRITE,
  'set',
  'del',
  'hincrby',
  'hincrbyfloat',
  'lpop',
  'lrem',
  'lmove',
  'blmove',
  'srem',
  'zremrangebyscore',
  'xadd',
  'publish',
  'subscribe',
  'unsubscribe',
  'client|info',
];

const plus = (commands: readonly string[]): string => commands.map((c) => `+${c}`).join(' ');

export const ACL_RULES = {
  /** rqts worker / worker-pool: runs jobs, keeps the registries, answers pub/sub commands. */
  worker: `resetkeys ${KEYS} resetchannels ${CHANNELS} -@all ${plus([...CONNECT, ...READ, ...SCRIPTS_AND_TRANSACTIONS, ...WORKER_WRITE])}`,
  /** rqts enqueue and Queue.enqueue from an application: writes jobs, reads nothing it need not. */
  producer: `resetkeys ${KEYS} resetchannels -@all ${plus([...CONNECT, 'exists', 'hget', 'hmget', 'hgetall', 'smembers', 'zscore', ...SCRIPTS_AND_TRANSACTIONS, ...PRODUCER_WRITE])}`,
  /** rqts console --read-only: reads keys, never writes, never publishes. */
  console: `resetkeys %R${KEYS} resetchannels -@all ${plus([...CONNECT, ...READ])}`,
} as const;

export type AclRole = keyof typeof ACL_RULES;

/**
 * A NOPERM reply as one line that says whose limit it is. Undefined for other errors.
 * Redis words it "User x has no permissions to run the 'publish' command".
 */
export function describeNoPermission(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  // Inside a script Redis words it "ERR The user executing the script can't run this command".
  const match =
    /NOPERM\s*(.*)|ERR (The user executing the script can't run this command(?: or subcommand)?)/.exec(
      message,
    );
  if (!match) return undefined;
  const detail = (match[1] ?? match[2] ?? '').split('\n')[0]?.trim();
  return `Redis refused it: ${detail || 'NOPERM'} (this ACL user's rule forbids it; roles in docs/redis.md)`;
}
