// A death penalty class (`--death-penalty-class death-penalty.Impatient`): constructed with the
// job's timeout in seconds and a kill function; arm() when the job starts, disarm() when it
// ends. This one allows at most one second, whatever the job's timeout says.

export class Impatient {
  constructor(timeoutSeconds, kill) {
    this.ms = Math.min(timeoutSeconds > 0 ? timeoutSeconds * 1000 : Infinity, 1000);
    this.kill = kill;
  }
  arm() {
    this.timer = setTimeout(this.kill, this.ms);
  }
  disarm() {
    clearTimeout(this.timer);
  }
}
