import { spawnSync } from 'node:child_process';
import { useCallback } from 'react';
import { useStdin, useStdout } from 'ink';

// Suspends the console for $PAGER, the way Ink apps hand the terminal to an editor: raw
// mode off, the text written to the pager's stdin by spawnSync (its output and keyboard
// are the terminal's), then raw mode back and the whole frame drawn again.

/** What runs when $PAGER is unset: -R shows the detail's colours. */
export const DEFAULT_PAGER = 'less -R';
/** The alternate screen run.tsx draws on, cleared; less leaves it when it exits. */
const BACK_TO_CONSOLE = '\u001b[?1049h\u001b[H\u001b[2J\u001b[?25l';
const CLEAR_FOR_PAGER = '\u001b[H\u001b[2J\u001b[?25h';

/** Returns a function that pages a text and says what went wrong, if anything. */
export function usePager(): (text: string) => string | undefined {
  const { stdin } = useStdin();
  const { stdout, write } = useStdout();
  return useCallback(
    (text: string) => {
      const command = process.env.PAGER?.trim() || DEFAULT_PAGER;
      const raw = stdin.isTTY && typeof stdin.setRawMode === 'function';
      const out = (stdout as { fd?: number }).fd ?? 'inherit';
      // ctrl+c in the pager reaches this process group too: it must not end the console.
      const ignore = (): void => undefined;
      process.on('SIGINT', ignore);
      if (raw) stdin.setRawMode(false);
      stdout.write(CLEAR_FOR_PAGER);
      let result: ReturnType<typeof spawnSync>;
      try {
        result = spawnSync(command, { shell: true, input: text, stdio: ['pipe', out, 'inherit'] });
      } finally {
        if (raw) stdin.setRawMode(true);
        // Ink writes its last frame whole after this (useStdout's write).
        write(BACK_TO_CONSOLE);
        setImmediate(() => process.off('SIGINT', ignore));
      }
      const code = result.error && 'code' in result.error ? result.error.code : undefined;
      if (result.error && code !== 'EPIPE')
        return `Could not run the pager (${command}): ${result.error.message}`;
      if (result.status !== null && result.status !== 0)
        return `The pager (${command}) exited with status ${result.status}`;
      return undefined;
    },
    [stdin, stdout, write],
  );
}
