import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/redis/connection.js';
import { freePort, startRedis, type TestRedis } from '../helpers/redis-server.js';
import { makeTestCerts, tlsServerArgs, type TestCerts } from '../helpers/tls-certs.js';
import { rqts } from '../cli/run.js';
import { FIXTURES, killSpawned, runRqts } from '../helpers/rqts-process.js';

// rediss:// against Debian's redis-server with --tls-port, certificates made by openssl
// for this run. One server wants client certificates (tls-auth-clients yes), one does not.

describe('TLS (rediss://) against a real TLS redis-server', () => {
  let certs: TestCerts;
  let mutual: TestRedis;
  let mutualTls: number;
  let serverOnly: TestRedis;
  let serverOnlyTls: number;
  beforeAll(async () => {
    certs = makeTestCerts();
    mutualTls = await freePort();
    mutual = await startRedis({ extraArgs: tlsServerArgs(certs, mutualTls, 'yes') });
    serverOnlyTls = await freePort();
    serverOnly = await startRedis({ extraArgs: tlsServerArgs(certs, serverOnlyTls, 'no') });
  });
  afterAll(async () => {
    killSpawned();
    await mutual?.stop();
    await serverOnly?.stop();
    rmSync(certs.dir, { recursive: true, force: true });
  });

  const clientCert = () => [
    '--tls-ca',
    certs.ca,
    '--tls-cert',
    certs.clientCert,
    '--tls-key',
    certs.clientKey,
  ];

  it('enqueues and drains over TLS with a client certificate (--tls-ca/--tls-cert/--tls-key)', async () => {
    const url = `rediss://127.0.0.1:${mutualTls}/0`;
    for (const n of [1, 2, 3]) {
      const run = await rqts(['enqueue', '--url', url, ...clientCert(), 'tasks.add', `:${n}`, ':10']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    // The worker's blocking and pub/sub clients are duplicates: they must carry the certificate too.
    const worker = await runRqts([
      'worker',
      'default',
      '--url',
      url,
      ...clientCert(),
      '--path',
      FIXTURES,
      '--burst',
    ]);
    expect(worker.output).not.toMatch(/error/i);
    expect(worker.code).toBe(0);
    expect(await mutual.client.zcard('rq:finished:default')).toBe(3);
    expect(await mutual.client.llen('rq:queue:default')).toBe(0);
    // Proof the server really saw TLS clients: the plain port's client list has only ours.
    const clients = await mutual.client.client('LIST');
    expect(String(clients)).not.toMatch(/rqts-console/);
  });

  it("reads RQ's REDIS_SSL and REDIS_SSL_* settings from the settings module", async () => {
    const dir = path.join(certs.dir, 'settings');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'prod_settings.js'),
      [
        `export const REDIS_HOST = '127.0.0.1';`,
        `export const REDIS_PORT = ${mutualTls};`,
        `export const REDIS_SSL = true;`,
        `export const REDIS_SSL_CA_CERTS = ${JSON.stringify(certs.ca)};`,
        `export const REDIS_SSL_CERTFILE = ${JSON.stringify(certs.clientCert)};`,
        `export const REDIS_SSL_KEYFILE = ${JSON.stringify(certs.clientKey)};`,
        `export const REDIS_SSL_CERT_REQS = 'required';`,
      ].join('\n'),
    );
    await mutual.client.sadd('rq:queues', 'rq:queue:tlsq');
    const run = await rqts(['info', '-c', 'prod_settings', '-P', dir, '--only-queues'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/tlsq/);
  });

  it('says in one line that a certificate does not verify (no CA given, or the wrong CA), exit 1', async () => {
    const url = `rediss://127.0.0.1:${serverOnlyTls}/0`;
    for (const extra of [[], ['--tls-ca', certs.otherCa]]) {
      const run = await rqts(['info', '--url', url, ...extra]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(
        new RegExp(
          `^The TLS certificate of rediss://127\\.0\\.0\\.1:${serverOnlyTls}/0\\?[^ ]* ?does not verify|^The TLS certificate of rediss://127\\.0\\.0\\.1:${serverOnlyTls}/0 does not verify`,
        ),
      );
      expect(run.stderr).toMatch(/--tls-ca FILE/);
    }
    const good = await rqts(['info', '--url', url, '--tls-ca', certs.ca]);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
  });

  it('says in one line that the server wants a client certificate', async () => {
    const run = await rqts(['info', '--url', `rediss://127.0.0.1:${mutualTls}/0`, '--tls-ca', certs.ca]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/wants a client certificate.*--tls-cert FILE --tls-key FILE/);
  });

  it('says in one line that a plain port does not speak TLS, and that --tls-* needs rediss://', async () => {
    const plain = await rqts([
      'info',
      '--url',
      `rediss://127.0.0.1:${serverOnly.port}/0`,
      '--tls-ca',
      certs.ca,
    ]);
    expect(plain.code).toBe(1);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(plain.stderr).toMatch(/does not speak TLS/);
    const notTls = await rqts(['info', '--url', serverOnly.url, '--tls-ca', certs.ca]);
    expect(notTls.code).toBe(1);
    expect(notTls.stderr).toMatch(/need a TLS connection.*rediss:\/\//);
  });

  it('connect() verifies against the CA and the host name in the certificate', async () => {
    const client = await connect(
      `rediss://localhost:${serverOnlyTls}/0?ssl_ca_certs=${encodeURIComponent(certs.ca)}`,
    );
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });
});
