import { describe, expect, it } from 'vitest';
import { Job } from '../../src/model/job.js';
import { callString, pythonRepr } from '../../src/model/python-text.js';
import { Queue } from '../../src/model/queue.js';
import { pythonRqAvailable, runPython } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';

interface Shape {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

const SHAPES: Shape[] = [
  { args: [], kwargs: {} },
  { args: [1, 2], kwargs: {} },
  { args: [], kwargs: { name: 'Frank' } },
  // RQ sorts the rendered "k=v" texts: a1=… sorts before a=… because '1' < '='.
  { args: ['x'], kwargs: { b: 2, a: 1, a1: 3, A: 4, _u: 5 } },
  { args: [null, true, false, 0.5, -3, 1e-5, 2.5e-7, 123456.75], kwargs: {} },
  { args: ["it's", 'say "hi"', 'both \' and "', 'back\\slash', 'tab\tnew\nline\r'], kwargs: {} },
  {
    args: ['Zoë déjà 中文 😀', 'nbsp\u00a0 ctrl\u0001 del\u007f c1\u0085 ls\u2028 zw\u200b bom\ufeff'],
    kwargs: {},
  },
  { args: [[1, 'two', [3]], { k: 'v', n: { deep: [null] } }], kwargs: { lst: [], dct: {} } },
  // The 75-character cut, applied to each repr (quotes included), by code point.
  { args: ['a'.repeat(73), 'b'.repeat(74), 'c'.repeat(200)], kwargs: { long: 'd'.repeat(100) } },
  { args: ['😀'.repeat(80), `${'x'.repeat(73)}😀tail`], kwargs: {} },
  {
    args: [Array.from({ length: 40 }, (_, i) => i)],
    kwargs: { obj: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key${i}`, i])) },
  },
];

describe('callString', () => {
  it('renders Python reprs', () => {
    expect(pythonRepr(null)).toBe('None');
    expect(pythonRepr("it's")).toBe('"it\'s"');
    expect(pythonRepr('both \' and "')).toBe("'both \\' and \"'");
    expect(pythonRepr('\u00a0\u2028😀')).toBe("'\\xa0\\u2028😀'");
    expect(pythonRepr({ a: [1, 'x'], b: true })).toBe("{'a': [1, 'x'], 'b': True}");
    expect(callString('tasks.add', [1, 2], { z: 1, a: 'x' })).toBe("tasks.add(1, 2, a='x', z=1)");
  });

  it('cuts each repr at 75 characters unless full', () => {
    const long = 'y'.repeat(100);
    expect(callString('f', [long], {})).toBe(`f('${'y'.repeat(74)}...)`);
    expect(callString('f', [long], {}, true)).toBe(`f('${long}')`);
  });

  it('is the default description of an rqts job, and an explicit one wins', () => {
    const job = Job.create(
      { funcName: 'tasks.greet', args: ['Frank'], kwargs: { loud: true } },
      { origin: 'q' },
    );
    expect(job.description).toBe("tasks.greet('Frank', loud=True)");
    const named = Job.create(
      { funcName: 'tasks.greet', args: [], kwargs: {} },
      { origin: 'q', description: 'mine' },
    );
    expect(named.description).toBe('mine');
  });
});

describe.skipIf(!pythonRqAvailable())("callString against Python RQ's Job.description", () => {
  let redis: TestRedis;
  useRedis((started) => (redis = started));

  it('equals the description Python RQ gives the same call, for every shape', async () => {
    const py = await runPython(
      `
import json, os
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
q = Queue('shapes', connection=Redis.from_url(os.environ['REDIS_URL']), serializer=JSONSerializer)
shapes = json.loads(${JSON.stringify(JSON.stringify(SHAPES))})
print(json.dumps([q.enqueue_call('tasks.shape', args=s['args'], kwargs=s['kwargs']).description for s in shapes]))
`,
      { REDIS_URL: redis.url },
    );
    expect(py.code, py.stderr).toBe(0);
    const theirs = JSON.parse(py.stdout) as string[];
    expect(SHAPES.map((s) => callString('tasks.shape', s.args, s.kwargs))).toEqual(theirs);
  });

  it('an rqts-enqueued job reads back in Python with the same description it would compute', async () => {
    const shape = SHAPES[3]!;
    const job = await new Queue('shapes', redis.client).enqueue('tasks.shape', shape.args, shape.kwargs);
    const py = await runPython(
      `
import os
from redis import Redis
from rq.job import Job
from rq.serializers import JSONSerializer
job = Job.fetch(os.environ['JOB_ID'], connection=Redis.from_url(os.environ['REDIS_URL']), serializer=JSONSerializer)
print(job.description == job.get_call_string(), job.description)
`,
      { REDIS_URL: redis.url, JOB_ID: job.id },
    );
    expect(py.code, py.stderr).toBe(0);
    expect(py.stdout.trim()).toBe(`True ${job.description}`);
  });
});
