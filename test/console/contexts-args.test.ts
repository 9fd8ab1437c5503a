import { describe, expect, it } from 'vitest';
import { parseContextArgs } from '../../src/console/data/context-args.js';
import { parseSettings } from '../../src/cli/settings.js';
import { consoleContexts } from '../../src/cli/console.js';

// How contexts are named: -u NAME=URL on the command line, or CONSOLE_CONTEXTS in the
// settings module, each keeping its own TLS files and Sentinel settings.

describe('console contexts from -u', () => {
  it('names a context NAME=URL, else after host:port, never from a query', () => {
    expect(
      parseContextArgs([
        'prod=redis://:secret@prod.internal:6379/0',
        'redis://10.0.0.5:6380/2',
        'rediss://tls.internal:6380/0?ssl_ca_certs=/etc/ca.pem',
        'unix:///run/redis.sock?db=0',
      ]),
    ).toEqual([
      { name: 'prod', url: 'redis://:secret@prod.internal:6379/0' },
      { name: '10.0.0.5:6380/2', url: 'redis://10.0.0.5:6380/2' },
      { name: 'tls.internal:6380', url: 'rediss://tls.internal:6380/0?ssl_ca_certs=/etc/ca.pem' },
      { name: '/run/redis.sock', url: 'unix:///run/redis.sock?db=0' },
    ]);
  });

  it('gives two unnamed URLs of one host:port two names, and refuses a name given twice', () => {
    expect(parseContextArgs(['redis://a:6379/0', 'redis://u:p@a:6379/0']).map((c) => c.name)).toEqual([
      'a:6379',
      'a:6379#2',
    ]);
    expect(() => parseContextArgs(['x=redis://a', 'x=redis://b'])).toThrow('Two contexts are named x');
    expect(() => parseContextArgs(['-bad=redis://a'])).toThrow('a context name is letters');
  });

  it('applies --tls-* to each URL; refuses --sentinel beside several -u', () => {
    const specs = consoleContexts(
      ['a=rediss://a:6380/0', 'b=rediss://b:6380/0'],
      true,
      {},
      {
        url: undefined,
        tlsCa: '/etc/ca.pem',
      },
    );
    expect(specs?.map((s) => s.url)).toEqual([
      'rediss://a:6380/0?ssl_ca_certs=%2Fetc%2Fca.pem',
      'rediss://b:6380/0?ssl_ca_certs=%2Fetc%2Fca.pem',
    ]);
    expect(consoleContexts(['redis://a:6379/0'], true, {}, { url: undefined })).toBeUndefined();
    expect(() =>
      consoleContexts(['redis://a', 'redis://b'], true, {}, { url: undefined, sentinel: ['s:26379'] }),
    ).toThrow('--sentinel names one Redis');
  });
});

describe('CONSOLE_CONTEXTS in the settings module', () => {
  const settings = parseSettings(
    {
      REDIS_URL: 'redis://ignored:6379/0',
      CONSOLE_CONTEXTS: {
        prod: 'redis://prod:6379/0',
        staging: {
          REDIS_HOST: 'staging',
          REDIS_PORT: 6390,
          REDIS_SSL: true,
          REDIS_SSL_CA_CERTS: '/etc/staging-ca.pem',
        },
        ha: { SENTINEL: { INSTANCES: [['10.0.0.7', 26379]], MASTER_NAME: 'rq', PASSWORD: 'pw' } },
      },
    },
    'settings.js',
  );

  it('turns each entry into its own URL, with its own TLS files and Sentinel', () => {
    const specs = consoleContexts([], false, settings, { url: undefined });
    expect(specs?.map((s) => s.name)).toEqual(['prod', 'staging', 'ha']);
    expect(specs?.[0]?.url).toBe('redis://prod:6379/0');
    expect(specs?.[1]?.url).toMatch(/^rediss:\/\/staging:6390\/0\?ssl_ca_certs=%2Fetc%2Fstaging-ca\.pem$/);
    expect(specs?.[2]?.url).toMatch(/^redis\+sentinel:\/\/.*10\.0\.0\.7:26379\/rq/);
  });

  it('is replaced by -u on the command line', () => {
    expect(
      consoleContexts(['a=redis://a:1/0', 'redis://b:2/0'], true, settings, { url: undefined })?.map(
        (s) => s.name,
      ),
    ).toEqual(['a', 'b:2']);
  });

  it('says in one line what is wrong with an entry', () => {
    expect(() => parseSettings({ CONSOLE_CONTEXTS: ['redis://a'] }, 's.js')).toThrow(
      'CONSOLE_CONTEXTS in settings module s.js must be an object',
    );
    expect(() => parseSettings({ CONSOLE_CONTEXTS: { a: { QUEUES: ['x'] } } }, 's.js')).toThrow(
      'CONSOLE_CONTEXTS in settings module s.js .a has QUEUES',
    );
    expect(() => parseSettings({ CONSOLE_CONTEXTS: { a: { REDIS_PORT: 'x' } } }, 's.js')).toThrow(
      'REDIS_PORT in settings module s.js (CONSOLE_CONTEXTS.a) must be a whole number',
    );
  });
});
