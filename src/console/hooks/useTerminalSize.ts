import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export type TerminalSize = { columns: number; rows: number };

const readSize = (stdout: NodeJS.WriteStream): TerminalSize => ({
  columns: stdout.columns || 100,
  rows: stdout.rows || 30,
});

/** The terminal's size, following its resizes. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readSize(stdout));
  useEffect(() => {
    const onResize = (): void => setSize(readSize(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
