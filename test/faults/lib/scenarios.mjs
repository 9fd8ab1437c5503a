// The faults, one per scenario of issue 12. Each `fault(ctx)` injects its fault while the jobs
// run and returns a note; the cell then settles, runs maintenance and counts (cell.mjs). A
// scenario that cannot apply to a system (no horse to kill) says so with `applies`.

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = (ms) => pause(Math.random() * ms);

/** Waits until `fraction` of the jobs have completed at least once (or 60 s passed). */
const progress = (ctx, fraction) => ctx.waitDone(Math.ceil(ctx.jobs * fraction));

async function repeat(ctx, fractions, act) {
  let acted = 0;
  for (const fraction of fractions) {
    await progress(ctx, fraction);
    if (await act()) acted += 1;
  }
  return acted;
}

// Recovery after a worker's SIGKILL: how long until its job had an outcome, by whoever wrote it.
async function killWorker(ctx) {
  const killed = [];
  await repeat(ctx, [0.2, 0.45, 0.7], async () => {
    const worker = await ctx.busyWorker();
    if (!worker) return false;
    await jitter(250);
    if (!ctx.signal(worker.pid, 'SIGKILL')) return false;
    // Watched from the kill on, while the next kills happen.
    killed.push(ctx.outcomeAfter(worker.currentJob, Date.now()));
    return true;
  });
  const seconds = await Promise.all(killed);
  const shown = seconds.map((s) => (s === undefined ? 'none in 90 s' : `${s.toFixed(1)} s`));
  return `${killed.length} workers killed mid-job; their jobs' outcomes after ${shown.join(', ')}`;
}

export const SCENARIOS = [
  {
    id: 'kill-worker',
    label: 'SIGKILL worker mid-job (x3)',
    fault: killWorker,
  },
  {
    id: 'kill-worker-r1',
    label: 'SIGKILL worker mid-job (x3), Retry(max=1)',
    retry: 1,
    fault: killWorker,
  },
  {
    id: 'kill-horse',
    label: 'SIGKILL horse mid-job (x3)',
    applies: (system) => system.horse,
    fault: (ctx) =>
      repeat(ctx, [0.2, 0.45, 0.7], async () => {
        const worker = await ctx.busyWorker();
        const horse = worker && ctx.horseOf(worker.pid);
        if (!horse) return false;
        await jitter(250);
        return ctx.signal(horse, 'SIGKILL');
      }).then((n) => `${n} horses killed mid-job`),
  },
  {
    id: 'warm-term',
    label: 'SIGTERM (warm) mid-job (x2)',
    fault: (ctx) =>
      repeat(ctx, [0.25, 0.6], async () => {
        const worker = await ctx.busyWorker({ long: true });
        return worker ? ctx.signal(ctx.unitPid(worker.pid), 'SIGTERM') : false;
      }).then((n) => `${n} warm stops`),
  },
  {
    id: 'cold-term',
    label: 'SIGTERM twice (cold) mid-job (x2)',
    fault: (ctx) =>
      repeat(ctx, [0.25, 0.6], async () => {
        const worker = await ctx.busyWorker({ long: true, fresh: true });
        if (!worker) return false;
        const pid = ctx.unitPid(worker.pid);
        ctx.signal(pid, 'SIGTERM');
        // rqts worker-pool counts two signals within 1 s as one; a long job lasts 2 s.
        await pause(ctx.system.pool ? 1100 : 200);
        return ctx.signal(pid, 'SIGTERM');
      }).then((n) => `${n} cold stops`),
  },
  {
    id: 'redis-restart-aof',
    label: 'Redis SHUTDOWN NOSAVE + restart, AOF always',
    aof: true,
    fault: async (ctx) => {
      await progress(ctx, 0.3);
      await ctx.redis.restart(2000);
      return 'down 2 s';
    },
  },
  {
    id: 'redis-restart-noaof',
    label: 'Redis SHUTDOWN NOSAVE + restart, no persistence',
    dataLoss: true,
    fault: async (ctx) => {
      await progress(ctx, 0.3);
      await ctx.redis.restart(2000);
      return 'down 2 s, keyspace empty after';
    },
  },
  {
    id: 'client-kill',
    label: 'CLIENT KILL of every connection (x3)',
    fault: (ctx) =>
      repeat(ctx, [0.2, 0.45, 0.7], async () => {
        await ctx.redis.observer.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
        await ctx.redis.observer.call('CLIENT', 'KILL', 'TYPE', 'normal');
        return true;
      }).then((n) => `${n} rounds`),
  },
  {
    id: 'proxy',
    label: 'proxy: 2-20 ms latency, 5% of replies dropped',
    proxy: true,
    fault: async (ctx) => {
      await progress(ctx, 0.9);
      ctx.proxy.state.faulty = false;
      return `${ctx.proxy.state.drops} replies dropped`;
    },
  },
  {
    id: 'sigstop',
    label: 'SIGSTOP 75 s (past worker and job TTL), SIGCONT',
    fault: async (ctx) => {
      await progress(ctx, 0.2);
      const worker = await ctx.busyWorker({ long: true });
      if (!worker) return 'no busy worker';
      const tree = ctx.treeOf(worker.pid);
      for (const pid of tree) ctx.signal(pid, 'SIGSTOP');
      await pause(75_000);
      for (const pid of tree) ctx.signal(pid, 'SIGCONT');
      return `${tree.length} processes stopped`;
    },
  },
  {
    id: 'maxmemory',
    label: 'maxmemory 1 byte for 4 s, then unlimited',
    fault: async (ctx) => {
      await progress(ctx, 0.3);
      await ctx.redis.observer.call('CONFIG', 'SET', 'maxmemory', '1');
      await pause(4000);
      await ctx.redis.observer.call('CONFIG', 'SET', 'maxmemory', '0');
      return 'writes refused 4 s';
    },
  },
  {
    id: 'malformed',
    label: 'malformed hashes among good ones (1 in 4)',
    tamper: async (ctx) => {
      // timeout "abc", no origin, result_ttl "soon", failure_ttl "x": one kind each, in turn.
      const bad = [
        (id) => ['HSET', `rq:job:${id}`, 'timeout', 'abc'],
        (id) => ['HDEL', `rq:job:${id}`, 'origin'],
        (id) => ['HSET', `rq:job:${id}`, 'result_ttl', 'soon'],
        (id) => ['HSET', `rq:job:${id}`, 'failure_ttl', 'x'],
      ];
      const tampered = ctx.ids.filter((_, i) => i % 4 === 1);
      for (const [n, id] of tampered.entries()) await ctx.redis.observer.call(...bad[n % bad.length](id));
      ctx.malformed = new Set(tampered);
    },
    fault: async (ctx) => `${ctx.malformed.size} malformed`,
  },
  {
    id: 'multi-pop-kill',
    label: 'two-queue workers SIGKILLed right after the pop (x4)',
    queues: ['fa', 'fb'],
    deferEnqueue: true,
    fault: async (ctx) => {
      let trapped = 0;
      for (let round = 0; round < 4; round++) {
        const idle = await ctx.idleWorkers(2);
        // A stopped worker's blocking pop is still served by Redis: the job leaves the queue
        // and sits unread in the socket; the SIGKILL then lands "right after the pop".
        for (const worker of idle) ctx.signal(worker.pid, 'SIGSTOP');
        const batch = ctx.ids.slice(trapped, trapped + idle.length);
        trapped += batch.length;
        await ctx.enqueue(batch);
        await ctx.waitQueuesEmpty(2000);
        for (const worker of idle) ctx.signal(worker.pid, 'SIGKILL');
      }
      await ctx.enqueue(ctx.ids.slice(trapped));
      return `${trapped} jobs popped by killed workers`;
    },
  },
];
