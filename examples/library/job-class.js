// A custom job class (`--job-class job-class.RenamingJob`): jobs a producer still enqueues
// under a module's old name, `legacy.*`, run the functions of `tasks.*`.
import { Job } from 'rqts';

export class RenamingJob extends Job {
  getCall() {
    const call = super.getCall();
    return { ...call, funcName: call.funcName.replace(/^legacy\./, 'tasks.') };
  }
}
