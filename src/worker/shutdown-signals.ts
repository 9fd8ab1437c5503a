// SIGINT/SIGTERM for a worker: the first asks for a warm shutdown, a later one for a cold
// one. As in RQ 1.16, a second signal within one second of the first is ignored (a
// terminal's Ctrl-C and a supervisor's SIGTERM often arrive together). Handlers exist only
// while the worker works, and are removed afterwards.

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
const DEBOUNCE_MS = 1000;

export class ShutdownSignals {
  private lastAt: number | undefined;
  private readonly handler = (): void => {
    const now = Date.now();
    if (this.lastAt !== undefined && now - this.lastAt < DEBOUNCE_MS) return;
    this.lastAt = now;
    this.onSignal();
  };

  constructor(private readonly onSignal: () => void) {}

  install(): void {
    for (const signal of SIGNALS) process.on(signal, this.handler);
  }

  remove(): void {
    for (const signal of SIGNALS) process.off(signal, this.handler);
  }
}
