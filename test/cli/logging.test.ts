import { describe, expect, it } from 'vitest';
import { compileFormat, createLogger, logFormats } from '../../src/cli/logging.js';
import { waitFor } from '../helpers/wait.js';

// The worker's human log: RQ's %-style formats, and lines batched off the hot path without
// reordering them or holding back a warning.

const time = new Date(2026, 10, 26, 9, 5, 7, 42);

describe('log formats', () => {
  it("takes a settings module's DICT_CONFIG formatter when no flag names a format", () => {
    const dictConfig = { version: 1, formatters: { plain: { format: '%(message)s', datefmt: '%H:%M' } } };
    expect(logFormats({}, dictConfig)).toEqual({ logFormat: '%(message)s', dateFormat: '%H:%M' });
    expect(logFormats({ logFormat: '%(levelname)s %(message)s' }, dictConfig)).toEqual({
      logFormat: '%(levelname)s %(message)s',
      dateFormat: '%H:%M',
    });
    expect(logFormats({}, undefined)).toEqual({ logFormat: undefined, dateFormat: undefined });
    expect(logFormats({}, { formatters: {} })).toEqual({ logFormat: undefined, dateFormat: undefined });
  });

  it('fills the placeholders RQ users put in --log-format, with widths, and keeps unknown ones as written', () => {
    const render = compileFormat(
      '[%(levelname)-8s] %(name)s %(process)d %(asctime)s: %(message)s %(bogus)s %(msecs)3d',
      '%H:%M:%S',
    );
    expect(render({ message: 'Job OK (abc)', levelName: 'INFO', time, name: 'rq.worker' })).toBe(
      `[INFO    ] rq.worker ${process.pid} 09:05:07: Job OK (abc) %(bogus)s  42`,
    );
  });
});

describe('human logger', () => {
  it('writes info lines together shortly after, in order, and a warning at once with what came before it', async () => {
    const writes: string[] = [];
    const logger = createLogger({
      logFormat: '%(levelname)s %(message)s',
      write: (text) => writes.push(text),
    });
    logger.info('one');
    logger.info('two');
    expect(writes).toEqual([]);
    await waitFor(() => writes.length === 1, 2000, 'the batched lines');
    expect(writes).toEqual(['INFO one\nINFO two\n']);
    logger.info('three');
    logger.warn('four');
    expect(writes).toEqual(['INFO one\nINFO two\n', 'INFO three\nWARNING four\n']);
  });

  it('flush() writes what is pending at once, and honours the level threshold', () => {
    const writes: string[] = [];
    const logger = createLogger({
      level: 'INFO',
      logFormat: '%(message)s',
      write: (text) => writes.push(text),
    });
    logger.debug('hidden');
    logger.info('shown');
    logger.flush();
    expect(writes).toEqual(['shown\n']);
  });
});
