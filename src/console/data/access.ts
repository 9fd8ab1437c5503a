import type { Redis } from 'ioredis';
import { connect, maskPassword } from '../../redis/connection.js';
import { keys } from '../../redis/keys.js';
import { RqtsError } from '../../errors.js';

// Before the console takes the screen: a wrong password, NOAUTH or a missing ACL permission
// is not an outage to draw a banner about and retry for ever, but one line and exit 1.
// An unreachable server is an outage: the console starts and says so.

const CREDENTIAL_ERROR = /WRONGPASS|NOAUTH|invalid username-password|NOPERM|AUTH/i;

export function isCredentialError(message: string): boolean {
  return CREDENTIAL_ERROR.test(message);
}

/** Throws AUTH_FAILED (one line) on a credential problem; returns quietly otherwise. */
export async function checkConsoleAccess(url: string): Promise<void> {
  let client: Redis;
  try {
    client = await connect(url, { connectTimeoutMs: 3000 });
  } catch (error) {
    if (error instanceof RqtsError && error.code === 'UNREACHABLE') return;
    throw error;
  }
  try {
    await checkPermissions(client, maskPassword(url));
  } finally {
    client.disconnect();
  }
}

/** One command of every kind the console reads and writes, so a missing ACL rule shows now. */
async function checkPermissions(client: Redis, display: string): Promise<void> {
  const probe = client
    .pipeline()
    .smembers(keys.allWorkers)
    .exists(keys.suspended)
    .info('server')
    .hgetall(keys.worker('rqts-console-probe'))
    .pttl(keys.worker('rqts-console-probe'))
    .call('PUBSUB', 'NUMSUB', keys.workerChannel('rqts-console-probe'))
    .llen(keys.queue('rqts-console-probe'))
    .zcard(keys.registry('started', 'rqts-console-probe'));
  const replies = (await probe.exec()) ?? [];
  const denied = replies.find(([error]) => error && /NOPERM/i.test(error.message))?.[0];
  if (denied) {
    const first = denied.message.split('\n')[0] ?? denied.message;
    throw new RqtsError(
      'AUTH_FAILED',
      `Redis at ${display} accepted the login but its ACL denies what the console reads (${first})`,
      'Grant that user read access to the rq:* keys plus INFO and PUBSUB (see docs/console.md), or use --url with another user',
    );
  }
}
