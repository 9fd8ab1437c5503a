import { EventEmitter } from 'node:events';
import React from 'react';
import { render as inkRender, type Instance } from 'ink';
import { stripVTControlCharacters as stripAnsi } from 'node:util';

// Our one render wrapper (style.md habit 11): a fake terminal of a chosen size whose
// frames we can wait on, and a stdin whose writes reach Ink 6's useInput.

export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private pending: string[] = [];
  write = (data: string): void => {
    this.pending.push(data);
    this.emit('readable');
  };
  read = (): string | null => this.pending.shift() ?? null;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export const KEYS = {
  enter: '\r',
  escape: '\u001b',
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  tab: '\t',
  backspace: '\u007f',
  ctrlC: '\u0003',
} as const;

export interface Rendered {
  stdin: FakeStdin;
  stdout: FakeStdout;
  instance: Instance;
  /** The last frame, without colour codes. */
  lastFrame(): string;
  /** Types keys one chunk at a time, as a person would. */
  press(...keys: string[]): Promise<void>;
  waitForFrame(expected: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
  unmount(): void;
}

export function renderConsole(
  tree: React.ReactElement,
  size: { columns?: number; rows?: number } = {},
): Rendered {
  const stdout = new FakeStdout(size.columns ?? 160, size.rows ?? 40);
  const stdin = new FakeStdin();
  const stderr = new FakeStdout(160, 40);
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const lastFrame = (): string => stripAnsi(stdout.frames[stdout.frames.length - 1] ?? '');
  const matches = (frame: string, expected: string | RegExp | ((frame: string) => boolean)): boolean =>
    typeof expected === 'string'
      ? frame.includes(expected)
      : expected instanceof RegExp
        ? expected.test(frame)
        : expected(frame);
  return {
    stdin,
    stdout,
    instance,
    lastFrame,
    async press(...keys) {
      for (const key of keys) {
        stdin.write(key);
        // Let Ink parse the chunk and React commit before the next one (an escape waits a tick).
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async waitForFrame(expected, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const frame = lastFrame();
        if (matches(frame, expected)) return frame;
        if (Date.now() > deadline)
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for frame matching ${String(expected)}; last frame:\n${frame}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    unmount() {
      instance.unmount();
      instance.cleanup();
    },
  };
}
