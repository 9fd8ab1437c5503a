import { useCallback } from 'react';
import { useStdout } from 'ink';

// Copies text to the clipboard of the terminal the console runs in, wherever that is (an
// ssh session, a container): OSC 52 asks the terminal itself, no clipboard tool needed.

/**
 * The OSC 52 sequence that sets the clipboard to `text`; inside tmux ($TMUX set) wrapped
 * in its passthrough (DCS tmux; … ST, every ESC inside doubled) so it reaches the terminal.
 */
export function osc52(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const sequence = `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
  if (!env.TMUX) return sequence;
  return `\u001bPtmux;${sequence.replaceAll('\u001b', '\u001b\u001b')}\u001b\\`;
}

/** Returns a function that writes the clipboard sequence to the console's terminal. */
export function useClipboard(): (text: string) => void {
  const { stdout } = useStdout();
  // Written beside Ink's frame, not through it: the sequence moves no cursor.
  return useCallback((text: string) => void stdout.write(osc52(text)), [stdout]);
}
