import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeCommand,
  parseCommand,
  sendKillHorseCommand,
  sendShutdownCommand,
  sendStopJobCommand,
} from '../../src/model/commands.js';
import { InvalidJobOperation, NoSuchJobError } from '../../src/errors.js';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { pythonRqAvailable, runPython } from '../helpers/python.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';

let redis: TestRedis;
let subscriber: Redis;
const received: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  subscriber = redis.newClient();
  subscriber.on('message', (_channel: string, message: string) => received.push(message));
  await subscriber.subscribe(keys.workerChannel('w1'));
});
afterAll(async () => redis.stop());

async function nextMessages(count: number, send: () => Promise<unknown>): Promise<string[]> {
  const start = received.length;
  await send();
  await waitFor(() => received.length >= start + count, 5000, `${count} pubsub message(s)`);
  return received.slice(start, start + count);
}

describe('command payloads', () => {
  it('parseCommand never throws and keeps only well-formed commands', () => {
    const garbage = [
      '',
      '{',
      'null',
      '[]',
      '"stop-job"',
      '42',
      '{"command": 5}',
      '{"command": "stop-job"}',
      '{"command": "stop-job", "job_id": 7}',
      '{"command": "dance"}',
      '{"job_id": "x"}',
      '[{"command": "shutdown"}]',
      '\u0000\uffff',
      '{"command": null}',
      '{"command": "shutdown"',
    ];
    for (const payload of garbage) expect(parseCommand(payload), payload).toBeUndefined();
    expect(parseCommand('{"command":"shutdown","extra":1}')).toEqual({ command: 'shutdown' });
    expect(parseCommand('{"command": "kill-horse"}')).toEqual({ command: 'kill-horse' });
    expect(parseCommand('{"job_id": "é", "command": "stop-job"}')).toEqual({
      command: 'stop-job',
      job_id: 'é',
    });
  });

  it('round-trips every command', () => {
    for (const command of [
      { command: 'shutdown' },
      { command: 'kill-horse' },
      { command: 'stop-job', job_id: 'id "quoted" é' },
    ] as const) {
      expect(parseCommand(encodeCommand(command))).toEqual(command);
    }
  });
});

describe('sending commands', () => {
  it('publishes to rq:pubsub:<worker> and reports the receivers', async () => {
    const [shutdown] = await nextMessages(1, async () =>
      expect(await sendShutdownCommand(redis.client, 'w1')).toBe(1),
    );
    expect(shutdown).toBe('{"command": "shutdown"}');
    const [kill] = await nextMessages(1, () => sendKillHorseCommand(redis.client, 'w1'));
    expect(kill).toBe('{"command": "kill-horse"}');
    expect(await sendShutdownCommand(redis.client, 'nobody')).toBe(0);
  });

  it('stop-job: NoSuchJobError for an unknown id, InvalidJobOperation when no worker runs it', async () => {
    const unknown = await sendStopJobCommand(redis.client, 'missing').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(unknown).toBeInstanceOf(NoSuchJobError);
    const queued = await new Queue('cmd', redis.client).enqueue('tasks.a');
    const notRunning = await sendStopJobCommand(redis.client, queued.id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(notRunning).toBeInstanceOf(InvalidJobOperation);
    expect((notRunning as InvalidJobOperation).message).toMatch(/not currently executing/);
    await redis.client.hset(queued.key, 'worker_name', 'w1', 'status', 'started');
    const [payload] = await nextMessages(1, async () =>
      expect(await sendStopJobCommand(redis.client, queued.id)).toEqual({ workerName: 'w1', receivers: 1 }),
    );
    expect(payload).toBe(`{"command": "stop-job", "job_id": "${queued.id}"}`);
  });
});

describe.skipIf(!pythonRqAvailable())("payloads byte-equal to Python RQ's", () => {
  it('Python send_*_command publishes exactly what encodeCommand writes', async () => {
    // An id only RQ 1.x accepts (rqts refuses to enqueue it), written as a 1.x producer would.
    const queued = await new Queue('cmd', redis.client).enqueue('tasks.a', []);
    const job = { id: 'jöb "1"' };
    await redis.client.rename(queued.key, keys.job(job.id));
    await redis.client.hset(keys.job(job.id), 'worker_name', 'w1');
    const messages = await nextMessages(3, async () => {
      const py = await runPython(
        `
import os
from redis import Redis
from rq.command import send_shutdown_command, send_kill_horse_command, send_stop_job_command
from rq.serializers import JSONSerializer
r = Redis.from_url(os.environ['REDIS_URL'])
send_shutdown_command(r, 'w1')
send_kill_horse_command(r, 'w1')
send_stop_job_command(r, os.environ['JOB_ID'], serializer=JSONSerializer)
`,
        { REDIS_URL: redis.url, JOB_ID: job.id },
      );
      expect(py.code, py.stderr).toBe(0);
    });
    expect(messages).toEqual([
      encodeCommand({ command: 'shutdown' }),
      encodeCommand({ command: 'kill-horse' }),
      encodeCommand({ command: 'stop-job', job_id: job.id }),
    ]);
    expect(messages[2]).toBe('{"command": "stop-job", "job_id": "j\\u00f6b \\"1\\""}');
  });
});
