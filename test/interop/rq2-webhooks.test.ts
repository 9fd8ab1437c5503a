import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonJsonDumps } from '../../src/model/python-text.js';
import { PEERS } from '../helpers/peers.js';
import { runPythonWorker } from '../helpers/python-worker.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned } from '../helpers/rqts-process.js';
import { INTEROP_FIXTURES, PY_FIXTURES, py, startRqtsWorker } from './worker-interop.js';

// RQ 2.10's webhooks, sent by an rqts worker speaking 2 as a 2.10 worker sends them: the same
// jobs run on each, a local HTTP server records what arrives, and the two must match. A hook
// that fails (HTTP 500, nothing listening) is logged and leaves the job as it was.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

const rq210 = PEERS.find((peer) => peer.major === 2);
const env = rq210?.env ?? {};

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
/** A port nothing listens on. */
let closedPort: number;
const received: Received[] = [];

async function listen(target: Server): Promise<number> {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  return (target.address() as AddressInfo).port;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
      });
      response.statusCode = request.url?.includes('fail500') ? 500 : 200;
      response.end('ok');
    });
  });
  base = `http://127.0.0.1:${await listen(server)}`;
  const closed = createServer();
  closedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;

/** What a request says, with the worker kind taken out of paths and ids. */
function shape(request: Received, kind: string): Record<string, unknown> {
  const body = request.body ? (JSON.parse(request.body) as Record<string, unknown>) : undefined;
  if (body) {
    // Python's json.dumps spelling, keys in 2.10's order.
    expect(pythonJsonDumps(body)).toBe(request.body);
    expect(body.enqueued_at).toMatch(STAMP);
    expect(body.ended_at).toMatch(STAMP);
  }
  return {
    method: request.method,
    path: request.path.replace(`/${kind}/`, '/'),
    contentType: request.headers['content-type'],
    token: request.headers['x-token'],
    keys: body && Object.keys(body),
    jobId: typeof body?.job_id === 'string' ? body.job_id.slice(0, -kind.length) : undefined,
    funcName: body?.func_name,
    status: body?.status,
    excInfo: typeof body?.exc_info === 'string' && body.exc_info.length > 0,
  };
}

describe.skipIf(!rq210)('webhooks of RQ 2.10 jobs', () => {
  it('an rqts worker speaking 2 sends what a 2.10 worker sends; failed sends are logged, jobs unaffected', async () => {
    const shapes: Record<string, Record<string, unknown>[]> = {};
    for (const kind of ['py', 'ts'] as const) {
      const queue = `hooks-${kind}`;
      const list = `hooks:${kind}`;
      const url = `${base}/${kind}`;
      await py(
        redis.url,
        `
from rq import Retry
from rq.webhook import Webhook
q = queue('${queue}')
q.enqueue('record.hit', '${list}', job_id='ok${kind}', webhooks=[
    Webhook('${url}/ok/fin', 'finished', method='POST', headers={'X-Token': 'abc'}),
    Webhook('${url}/ok/fail', 'failed', method='POST'),
    Webhook('${url}/ok/get', 'finished')])
q.enqueue('record.hitThenFail', '${list}', job_id='bad${kind}', retry=Retry(max=1), webhooks=[
    Webhook('${url}/bad/fin', 'finished', method='POST'),
    Webhook('${url}/bad/fail500', 'failed', method='POST')])
q.enqueue('record.hit', '${list}', job_id='down${kind}', webhooks=[
    Webhook('http://127.0.0.1:${closedPort}/${kind}/down', 'finished', method='POST', timeout=2)])
out(True)
`,
        env,
      );
      const fixtures = { FIXTURE_REDIS_URL: redis.url };
      let output: string;
      if (kind === 'ts') {
        const worker = startRqtsWorker(
          redis.url,
          ['--path', INTEROP_FIXTURES, '--rq-protocol', '2', '--burst', queue],
          fixtures,
        );
        expect(await worker.exited, worker.output()).toBe(0);
        output = worker.output();
      } else {
        const run = await runPythonWorker(
          redis.url,
          { path: PY_FIXTURES, queues: [queue] },
          { ...env, ...fixtures },
        );
        expect(run.code, run.stderr).toBe(0);
        output = run.stdout + run.stderr;
      }
      expect(output).toContain(`Failed to send webhook to ${url}/bad/fail500 for job bad${kind}`);
      expect(output).toContain(
        `Failed to send webhook to http://127.0.0.1:${closedPort}/${kind}/down for job down${kind}`,
      );
      const mine = received.filter((request) => request.path.startsWith(`/${kind}/`));
      shapes[kind] = mine
        .map((request) => shape(request, kind))
        .sort((a, b) => String(a.path).localeCompare(String(b.path)));
      const states = await py<Record<string, unknown>>(
        redis.url,
        `out({i: [fetch(i + '${kind}').get_status(), len(fetch(i + '${kind}').results())] for i in ('ok', 'bad', 'down')})`,
        env,
      );
      expect(states).toEqual({ ok: ['finished', 1], bad: ['failed', 1], down: ['finished', 1] });
    }
    expect(shapes.py!.map((s) => `${String(s.method)} ${String(s.path)}`)).toEqual([
      'POST /bad/fail500',
      'POST /ok/fin',
      'GET /ok/get',
    ]);
    expect(shapes.py![2]).toMatchObject({ method: 'GET', keys: undefined, token: undefined });
    expect(shapes.py![1]).toMatchObject({
      contentType: 'application/json',
      token: 'abc',
      keys: ['job_id', 'func_name', 'status', 'enqueued_at', 'ended_at'],
      jobId: 'ok',
      funcName: 'record.hit',
      status: 'finished',
    });
    expect(shapes.py![0]).toMatchObject({
      status: 'failed',
      excInfo: true,
      keys: expect.arrayContaining(['exc_info']),
    });
    expect(shapes.ts).toEqual(shapes.py);
  });
});
