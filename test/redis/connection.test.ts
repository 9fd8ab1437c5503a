import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RqtsError } from '../../src/errors.js';
import {
  connect,
  DEFAULT_URL,
  maskPassword,
  parseRedisUrl,
  resolveRedisUrl,
} from '../../src/redis/connection.js';
import { freePort, startRedis, type TestRedis } from '../helpers/redis-server.js';

const SECRET = 's3cr3t';

function errorOf(action: () => unknown): RqtsError {
  try {
    action();
  } catch (error) {
    if (error instanceof RqtsError) return error;
    throw new Error(`expected an RqtsError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an error');
}

async function rejectionOf(action: () => Promise<unknown>): Promise<RqtsError> {
  const error = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof RqtsError) return error;
  throw new Error(`expected an RqtsError, got ${String(error)}`);
}

describe('parseRedisUrl', () => {
  it('reads redis:// with host, port, db, user and password', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380/2').options).toMatchObject({
      host: '127.0.0.1',
      port: 6380,
      db: 2,
    });
    expect(parseRedisUrl('redis://localhost').options).toMatchObject({
      host: 'localhost',
      port: 6379,
      db: 0,
    });
    expect(parseRedisUrl('redis://h?db=5').options.db).toBe(5);
    expect(parseRedisUrl(`redis://:${SECRET}@h:1/0`).options).toMatchObject({ password: SECRET });
    expect(parseRedisUrl(`redis://alice:p%40ss%2Fw@h/0`).options).toMatchObject({
      username: 'alice',
      password: 'p@ss/w',
    });
    expect(parseRedisUrl('redis://u:p@[::1]:6390/1').options).toMatchObject({
      host: '::1',
      port: 6390,
      db: 1,
    });
  });

  it('turns on TLS for rediss://', () => {
    const { options } = parseRedisUrl(`rediss://:${SECRET}@cache.example.com:6380/3`);
    expect(options).toMatchObject({
      host: 'cache.example.com',
      port: 6380,
      db: 3,
      tls: { servername: 'cache.example.com' },
    });
  });

  it('reads unix:// socket URLs, with db and credentials', () => {
    expect(parseRedisUrl('unix:///var/run/redis.sock?db=3').options).toMatchObject({
      path: '/var/run/redis.sock',
      db: 3,
    });
    expect(parseRedisUrl('unix:///tmp/r.sock').options).toMatchObject({ path: '/tmp/r.sock', db: 0 });
    expect(parseRedisUrl(`unix://:${SECRET}@/tmp/r.sock?db=1`).options).toMatchObject({
      path: '/tmp/r.sock',
      db: 1,
      password: SECRET,
    });
    expect(parseRedisUrl(`unix://bob:${SECRET}@/tmp/r.sock`).options).toMatchObject({
      username: 'bob',
      password: SECRET,
    });
    expect(parseRedisUrl(`unix:///tmp/r.sock?db=2&password=${SECRET}`).options).toMatchObject({
      db: 2,
      password: SECRET,
    });
  });

  it('refuses bad URLs with one BAD_URL line that never shows the password', () => {
    const bad = [
      'http://localhost:6379/0',
      'localhost:6379',
      'redis://h/abc',
      'redis://h/-1',
      'redis://h?db=x',
      'redis://h:99999/0',
      'unix://',
      'unix:///tmp/r.sock?db=nope',
      `redis://:${SECRET}@h/notadb`,
      `redis://:${SECRET}@h:port/0`,
      `redis://:se/${SECRET}@h/0`,
      `redis://user:${SECRET}%zz@h/0`,
      `unix://:${SECRET}@/tmp/r.sock?db=x`,
      `ftp://user:${SECRET}@h`,
    ];
    for (const url of bad) {
      const error = errorOf(() => parseRedisUrl(url));
      expect(error.code, url).toBe('BAD_URL');
      expect(error.toLine(), url).not.toContain('\n');
      expect(error.toLine(), url).not.toContain(SECRET);
      expect(error.toLine(), url).toMatch(/Bad Redis URL .*: .+\. Use redis:\/\//);
    }
  });
});

describe('maskPassword', () => {
  it('hides passwords in valid and broken URLs alike', () => {
    expect(maskPassword(`redis://:${SECRET}@h:6379/0`)).toBe('redis://:***@h:6379/0');
    expect(maskPassword(`redis://alice:${SECRET}@h/0`)).toBe('redis://alice:***@h/0');
    expect(maskPassword(`unix:///tmp/r.sock?db=1&password=${SECRET}`)).toBe(
      'unix:///tmp/r.sock?db=1&password=***',
    );
    expect(maskPassword('redis://h:6379/0')).toBe('redis://h:6379/0');
    expect(maskPassword('redis://alice@h/0')).toBe('redis://alice@h/0');
    for (const url of [
      `redis://:a/${SECRET}@h/0`,
      `redis://:${SECRET}@x@h/0`,
      `h:${SECRET}@host`,
      `rediss://u:${SECRET}@@h`,
      `redis://:${SECRET}@h/0?password=${SECRET}`,
    ]) {
      expect(maskPassword(url), url).not.toContain(SECRET);
    }
    expect(parseRedisUrl(`redis://:${SECRET}@h/0`).display).toBe('redis://:***@h/0');
  });
});

describe('resolveRedisUrl', () => {
  it('prefers the explicit URL, then RQ_REDIS_URL, then REDIS_* settings', () => {
    expect(resolveRedisUrl({ url: 'redis://a/1' }, { RQ_REDIS_URL: 'redis://b/2' })).toBe('redis://a/1');
    expect(resolveRedisUrl({}, { RQ_REDIS_URL: 'redis://b/2', REDIS_HOST: 'c' })).toBe('redis://b/2');
    expect(
      resolveRedisUrl({}, { REDIS_HOST: 'c', REDIS_PORT: '6390', REDIS_DB: '4', REDIS_PASSWORD: 'p w@' }),
    ).toBe('redis://:p%20w%40@c:6390/4');
    expect(resolveRedisUrl({}, { REDIS_PORT: '7000' })).toBe('redis://127.0.0.1:7000/0');
    expect(resolveRedisUrl({}, { REDIS_HOST: 'h', REDIS_SSL: 'true' })).toBe('rediss://h:6379/0');
    expect(resolveRedisUrl({ host: '::1', port: 1, db: 2 }, {})).toBe('redis://[::1]:1/2');
    expect(resolveRedisUrl({}, {})).toBe(DEFAULT_URL);
    const resolved = resolveRedisUrl({}, { REDIS_HOST: 'c', REDIS_PASSWORD: `x@/${SECRET}` });
    expect(parseRedisUrl(resolved).options).toMatchObject({ host: 'c', password: `x@/${SECRET}` });
  });

  it('refuses non-numeric REDIS_PORT / REDIS_DB with one line naming the setting', () => {
    expect(errorOf(() => resolveRedisUrl({}, { REDIS_PORT: 'abc' })).toLine()).toMatch(
      /^REDIS_PORT="abc" is not a valid number\. Set REDIS_PORT/,
    );
    expect(errorOf(() => resolveRedisUrl({}, { REDIS_DB: '-1' })).code).toBe('BAD_URL');
    expect(errorOf(() => resolveRedisUrl({}, { REDIS_PORT: '70000' })).code).toBe('BAD_URL');
  });
});

describe('connect', () => {
  let plain: TestRedis;
  beforeAll(async () => {
    plain = await startRedis();
  });
  afterAll(async () => plain.stop());

  it('works against a plain server and selects the db', async () => {
    const client = await connect(`redis://127.0.0.1:${plain.port}/3`);
    await client.set('where', 'db3');
    client.disconnect();
    await plain.client.select(3);
    expect(await plain.client.get('where')).toBe('db3');
    await plain.client.select(0);
  });

  it('fails fast with UNREACHABLE and a hint when nothing listens', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await rejectionOf(() => connect(`redis://:${SECRET}@127.0.0.1:${port}/0`));
    expect(Date.now() - started).toBeLessThan(6000);
    expect(error.code).toBe('UNREACHABLE');
    expect(error.toLine()).toMatch(
      /^Cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 \(.*ECONNREFUSED.*\)\. Start redis-server/,
    );
    expect(error.toLine()).not.toContain(SECRET);
    expect(error.toLine()).not.toContain('\n');
  });

  it('says so when something that is not Redis answers', async () => {
    // resume(): a paused server socket would never see the client's FIN, and close() would wait forever.
    const http = createServer((socket) => socket.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const port = (http.address() as AddressInfo).port;
      const error = await rejectionOf(() => connect(`redis://127.0.0.1:${port}/0`));
      expect(error.code).toBe('UNREACHABLE');
      expect(error.toLine()).toMatch(
        /answered, but not as a Redis server would .*another service listens there/,
      );
    } finally {
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });

  it('reports AUTH_FAILED for a wrong or missing password, and accepts the right one', async () => {
    const guarded = await startRedis();
    try {
      await guarded.client.config('SET', 'requirepass', SECRET);
      await guarded.client.call('ACL', 'SETUSER', 'alice', 'on', '>alicepw', '~*', '+@all');
      for (const url of [
        `redis://:wrong@127.0.0.1:${guarded.port}/0`,
        `redis://127.0.0.1:${guarded.port}/0`,
        `redis://alice:nope@127.0.0.1:${guarded.port}/0`,
      ]) {
        const started = Date.now();
        const error = await rejectionOf(() => connect(url));
        expect(Date.now() - started, url).toBeLessThan(6000);
        expect(error.code, url).toBe('AUTH_FAILED');
        expect(error.toLine(), url).toMatch(/refused the credentials .*Check the password/);
        expect(error.toLine()).not.toContain('wrong');
        expect(error.toLine()).not.toContain('nope');
      }
      const client = await connect(`redis://:${SECRET}@127.0.0.1:${guarded.port}/0`);
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
      const alice = await connect(`redis://alice:alicepw@127.0.0.1:${guarded.port}/0`);
      expect(await alice.call('ACL', 'WHOAMI')).toBe('alice');
      alice.disconnect();
    } finally {
      await guarded.stop();
    }
  });

  it('refuses a Redis Cluster node with CLUSTER_UNSUPPORTED', async () => {
    const cluster = await startRedis({ extraArgs: ['--cluster-enabled', 'yes'] });
    try {
      const error = await rejectionOf(() => connect(`redis://127.0.0.1:${cluster.port}/0`));
      expect(error.code).toBe('CLUSTER_UNSUPPORTED');
      expect(error.toLine()).toMatch(/is a Redis Cluster node\. RQ's keys must live in one keyspace/);
    } finally {
      await cluster.stop();
    }
  });

  it('connects through a unix socket URL, db included', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rqts-sock-'));
    const socket = path.join(dir, 'redis.sock');
    const server = await startRedis({ extraArgs: ['--unixsocket', socket, '--unixsocketperm', '700'] });
    try {
      const client = await connect(`unix://${socket}?db=3`);
      await client.set('via', 'socket');
      expect(client.options.path).toBe(socket);
      client.disconnect();
      await server.client.select(3);
      expect(await server.client.get('via')).toBe('socket');
      const missing = await rejectionOf(() => connect(`unix://${path.join(dir, 'nope.sock')}`));
      expect(missing.code).toBe('UNREACHABLE');
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
