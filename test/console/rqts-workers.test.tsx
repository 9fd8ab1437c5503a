import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/console/data/local-workers.js';
import { describeWorkerActions } from './worker-actions.js';

// The same keystrokes against an rqts worker started from the built CLI (npm test builds first).
const bin = path.join(PACKAGE_ROOT, 'bin', 'rqts.js');
const built = existsSync(path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'));

describeWorkerActions(
  'console against an rqts worker',
  (url, dir, name, queues) =>
    spawn(process.execPath, [bin, 'worker', ...queues, '--url', url, '--path', dir, '--name', name], {
      cwd: dir,
      stdio: 'ignore',
    }),
  !built,
  'rqts',
);
