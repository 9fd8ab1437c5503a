import { createServer, type Server } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type TestRedis } from '../helpers/redis-server.js';
import { rqts } from './run.js';

// The bad-input cases of the issue: each is one line naming the problem and what to do,
// exit code 1, no stack trace, and no retry loop that keeps the command waiting.

const SECRET = 'sekret-pw';

function expectOneLine(run: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n') && run.stderr.split('\n').length === 2, run.stderr).toBe(true);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('connection problems', () => {
  let locked: TestRedis;
  let silent: Server;
  let silentPort: number;
  beforeAll(async () => {
    locked = await startRedis();
    // Set after start so the harness' own readiness probe needs no password.
    await locked.client.config('SET', 'requirepass', SECRET);
    silent = createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    silentPort = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    await locked.stop();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('unreachable Redis fails at once', async () => {
    const port = await freePort();
    const run = await rqts(['info', '--url', `redis://127.0.0.1:${port}/0`]);
    expectOneLine(
      run,
      new RegExp(
        `^Cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0 \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)\\. Start redis-server or pass --url`,
      ),
    );
  });

  it('a server that never answers fails within seconds, not never', async () => {
    const run = await rqts(['info', '--url', `redis://127.0.0.1:${silentPort}/0`]);
    expectOneLine(
      run,
      new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${silentPort}/0 did not answer within 4 s\\.`),
    );
  });

  it('wrong or missing password, and the password is never printed', async () => {
    const wrong = await rqts(['suspend', '--url', `redis://:not-${SECRET}@127.0.0.1:${locked.port}/0`]);
    expectOneLine(
      wrong,
      /^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 refused the credentials \(WRONGPASS .*\)\. Check the password/,
    );
    expect(wrong.stderr).not.toContain(SECRET);
    const missing = await rqts(['info', '--url', locked.url]);
    expectOneLine(missing, /refused the credentials \(NOAUTH Authentication required\.\)/);
    const right = await rqts(['info', '-Q', '-r', '--url', `redis://:${SECRET}@127.0.0.1:${locked.port}/0`]);
    expect(right).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const viaEnv = await rqts(['info', '--json'], {
      env: { REDIS_PORT: String(locked.port), REDIS_PASSWORD: SECRET },
    });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({ redis: `redis://:***@127.0.0.1:${locked.port}/0` });
  });

  it('a malformed URL', async () => {
    expectOneLine(
      await rqts(['info', '--url', 'http://127.0.0.1:6379']),
      /^Bad Redis URL http:\/\/127\.0\.0\.1:6379: the scheme http is not redis, rediss or unix\./,
    );
  });
});

describe('settings module (-c) and precedence: flags, then environment, then settings', () => {
  let redis: TestRedis;
  let dir: string;
  let deadUrl: string;
  beforeAll(async () => {
    redis = await startRedis();
    await redis.client.set('marker', '1');
    deadUrl = `redis://127.0.0.1:${await freePort()}/0`;
    dir = mkdtempSync(path.join(tmpdir(), 'rqts-settings-'));
    mkdirSync(path.join(dir, 'conf'));
    writeFileSync(
      path.join(dir, 'settings.js'),
      `export const REDIS_URL = ${JSON.stringify(redis.url)};\nexport const QUEUES = ['high', 'low'];\n`,
    );
    writeFileSync(
      path.join(dir, 'conf', 'parts.cjs'),
      `module.exports = { REDIS_HOST: '127.0.0.1', REDIS_PORT: ${redis.port}, REDIS_DB: 0 };\n`,
    );
    writeFileSync(path.join(dir, 'dead.mjs'), `export const REDIS_URL = ${JSON.stringify(deadUrl)};\n`);
    writeFileSync(path.join(dir, 'deadport.mjs'), `export const REDIS_PORT = 1;\n`);
    writeFileSync(path.join(dir, 'badport.mjs'), `export const REDIS_PORT = 'six';\n`);
    writeFileSync(path.join(dir, 'broken.mjs'), `throw new Error('settings exploded');\n`);
  });
  afterAll(async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const redisOf = async (args: string[], env: Record<string, string> = {}, cwd = dir) => {
    const run = await rqts(['info', '--json', '-Q', ...args], { env, cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as { redis: string }).redis;
  };

  it('reads REDIS_URL from a module in the current directory, or under --path', async () => {
    expect(await redisOf(['-c', 'settings'])).toBe(redis.url);
    expect(await redisOf(['--config', 'conf.parts', '--path', dir], {}, tmpdir())).toBe(redis.url);
    expect(await redisOf([], { RQ_CONFIG: 'settings' })).toBe(redis.url);
  });

  it('a flag beats the environment, which beats the settings module', async () => {
    expect(await redisOf(['-c', 'dead', '--url', redis.url])).toBe(redis.url);
    expect(await redisOf(['-c', 'dead'], { RQ_REDIS_URL: redis.url })).toBe(redis.url);
    expect(await redisOf(['-c', 'deadport'], { REDIS_PORT: String(redis.port) })).toBe(redis.url);
    const dead = await rqts(['info', '-c', 'dead'], { cwd: dir });
    expectOneLine(dead, /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/0/);
  });

  it('a missing, broken or ill-typed settings module is one line', async () => {
    expectOneLine(
      await rqts(['info', '-c', 'nosuch'], { cwd: dir }),
      /^Cannot find settings module nosuch; tried .*nosuch\.js, .*\. Check --config and --path$/m,
    );
    expectOneLine(
      await rqts(['info', '-c', 'broken'], { cwd: dir }),
      /^Settings module .*broken\.mjs failed to load: settings exploded\./,
    );
    expectOneLine(
      await rqts(['info', '-c', 'badport'], { cwd: dir }),
      /^REDIS_PORT in settings module .*badport\.mjs must be a whole number, not "six"\. Fix REDIS_PORT/,
    );
    expectOneLine(
      await rqts(['info', '-c', '../etc/passwd'], { cwd: dir }),
      /^--config "\.\.\/etc\/passwd" is not a dotted module name/,
    );
  });
});
