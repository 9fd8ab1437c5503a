import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../src/console/run.js';
import { RqtsError } from '../../src/errors.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { FakeStdin, FakeStdout } from './render.js';

// A credential problem is not an outage: one line, before the console takes the screen.

function consoleOn(url: string): Promise<number> {
  return runConsole({
    url,
    patchConsole: false,
    stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
    stdout: new FakeStdout(120, 30) as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout(120, 30) as unknown as NodeJS.WriteStream,
  });
}

describe('rqts console refuses bad credentials in one line', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
    await redis.client.config('SET', 'requirepass', 'right');
    await redis.client.call('AUTH', 'right');
    // A user that may log in but not run INFO, which the console's header reads.
    await redis.client.call('ACL', 'SETUSER', 'watcher', 'on', '>pw', '~*', '&*', '+@all', '-info');
  });
  afterAll(async () => redis?.stop());

  const port = (): number => redis.port;

  it('a wrong password', async () => {
    const error = await consoleOn(`redis://:wrong@127.0.0.1:${port()}/0`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RqtsError);
    expect((error as RqtsError).code).toBe('AUTH_FAILED');
    expect((error as RqtsError).toLine()).toMatch(
      new RegExp(
        `^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port()}/0 refused the credentials \\(WRONGPASS`,
      ),
    );
    expect((error as RqtsError).toLine()).not.toContain('wrong@');
    expect((error as RqtsError).toLine().split('\n')).toHaveLength(1);
  });

  it('no password where one is required (NOAUTH)', async () => {
    const error = await consoleOn(`redis://127.0.0.1:${port()}/0`).catch((e: unknown) => e);
    expect((error as RqtsError).code).toBe('AUTH_FAILED');
    expect((error as RqtsError).message).toContain('NOAUTH');
  });

  it('a user whose ACL lacks a command the console needs (NOPERM)', async () => {
    const error = await consoleOn(`redis://watcher:pw@127.0.0.1:${port()}/0`).catch((e: unknown) => e);
    expect((error as RqtsError).code).toBe('AUTH_FAILED');
    expect((error as RqtsError).toLine()).toMatch(
      /accepted the login but its ACL denies what the console reads \(NOPERM.*'info'/,
    );
  });
});
