import { describe, expect, it } from 'vitest';
import { createConsoleClient, Poller } from '../../src/console/data/poller.js';
import { Timeline } from '../../src/console/data/timeline.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';

// A console starting against a healthy Redis must not open its timeline with a false outage:
// the first poll can run before the socket is up, and that is "connecting", not "unreachable".

describe('console start-up', () => {
  let redis: TestRedis;
  useRedis((r) => (redis = r));

  it('says no "Redis unreachable" while the first connection is still being made', async () => {
    const client = createConsoleClient(redis.url);
    const poller = new Poller(client, { intervalMs: 100 });
    const timeline = new Timeline(poller);
    const seen: string[] = [];
    poller.subscribe(() => seen.push(poller.getState().connection));
    poller.start();
    try {
      await waitFor(() => (poller.getState().snapshot ? true : undefined), 10_000, 'a first snapshot');
      await waitFor(() => (poller.getState().ticks >= 3 ? true : undefined), 10_000, 'three polls');
      expect(timeline.getState().events.filter((e) => e.kind === 'redis')).toEqual([]);
      expect(seen).not.toContain('reconnecting');
      expect(seen).not.toContain('unreachable');
    } finally {
      poller.stop();
      timeline.close();
      client.disconnect();
    }
  });
});
