import type { Redis } from 'ioredis';
import type { WorkerLogger } from './worker-logger.js';

// A worker says when its connection drops and comes back. Watched from bootstrap on, when the
// first connection is long made, so a `ready` is a reconnect.

/** Starts logging reconnects; returns the function that stops it. */
export function watchReconnects(connection: Redis, log: WorkerLogger): () => void {
  const onReconnecting = (): void =>
    log.warn(
      'Lost the connection to Redis; reconnecting (unanswered commands are sent again, and every worker step is safe to send twice)',
    );
  const onReconnected = (): void => log.info('Reconnected to Redis');
  connection.on('reconnecting', onReconnecting);
  connection.on('ready', onReconnected);
  return () => {
    connection.off('reconnecting', onReconnecting);
    connection.off('ready', onReconnected);
  };
}
