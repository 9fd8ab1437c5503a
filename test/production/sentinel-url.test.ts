import { describe, expect, it } from 'vitest';
import { resolveCliRedisUrl } from '../../src/cli/connection-options.js';
import { parseSettings } from '../../src/cli/settings.js';
import { maskPassword, parseRedisUrl } from '../../src/redis/connection.js';

describe('redis+sentinel:// and the SENTINEL settings', () => {
  it('turns --sentinel flags into one URL that parses back to ioredis Sentinel options', () => {
    const url = resolveCliRedisUrl(
      {
        url: undefined,
        sentinel: ['10.0.0.5:26379', '[::1]:26380', 'sentinel-c'],
        sentinelMaster: 'jobs',
        sentinelPassword: 's/p@ss',
      },
      {},
      { REDIS_PASSWORD: 'primary-pw' },
    );
    expect(maskPassword(url)).toBe(
      'redis+sentinel://:***@10.0.0.5:26379,[::1]:26380,sentinel-c:26379/jobs/0?sentinel_password=***',
    );
    expect(parseRedisUrl(url).options).toMatchObject({
      sentinels: [
        { host: '10.0.0.5', port: 26379 },
        { host: '::1', port: 26380 },
        { host: 'sentinel-c', port: 26379 },
      ],
      name: 'jobs',
      db: 0,
      password: 'primary-pw',
      sentinelPassword: 's/p@ss',
    });
  });

  it("reads RQ's SENTINEL dict; REDIS_URL wins over it, as in RQ", () => {
    const settings = parseSettings(
      {
        SENTINEL: {
          INSTANCES: [['h1', 26379], 'h2:26390'],
          MASTER_NAME: 'm',
          DB: 2,
          USERNAME: 'worker',
          PASSWORD: 'pw',
          SOCKET_TIMEOUT: 0.5,
          SENTINEL_KWARGS: { password: 'spw' },
        },
      },
      'settings.js',
    );
    const url = resolveCliRedisUrl({ url: undefined }, settings, {});
    expect(parseRedisUrl(url).options).toMatchObject({
      sentinels: [
        { host: 'h1', port: 26379 },
        { host: 'h2', port: 26390 },
      ],
      name: 'm',
      db: 2,
      username: 'worker',
      password: 'pw',
      sentinelPassword: 'spw',
      connectTimeout: 500,
    });
    expect(resolveCliRedisUrl({ url: undefined }, { ...settings, redisUrl: 'redis://x:1/0' }, {})).toBe(
      'redis://x:1/0',
    );
    expect(() => parseSettings({ SENTINEL: { INSTANCES: 'h1' } }, 'settings.js')).toThrow(
      /SENTINEL.INSTANCES in settings module settings.js must be a non-empty list/,
    );
  });

  it('refuses a Sentinel URL without a master name in one line', () => {
    expect(() => parseRedisUrl('redis+sentinel://h1:26379')).toThrow(
      /Bad Sentinel URL .*needs Sentinels and a master name/,
    );
    expect(() => resolveCliRedisUrl({ url: undefined, sentinel: ['h1:99999'] }, {}, {})).toThrow(
      /--sentinel "h1:99999" is not host:port/,
    );
  });
});
