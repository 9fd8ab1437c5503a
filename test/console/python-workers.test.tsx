import { pythonRqAvailable } from '../helpers/python.js';
import { startPythonWorker } from './harness.js';
import { describeWorkerActions } from './worker-actions.js';

describeWorkerActions(
  'console against a Python RQ worker',
  startPythonWorker,
  !pythonRqAvailable(),
  'python',
);
