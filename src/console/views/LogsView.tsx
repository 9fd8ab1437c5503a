import React from 'react';
import { Box, Text } from 'ink';
import type { LogLine } from '../data/local-workers.js';
import { escapeControl, fit, formatClock } from '../text.js';
import { Placeholder } from './Table.js';

const PALETTE = ['cyan', 'magenta', 'blue', 'green', 'yellow'] as const;

function colorOf(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length] ?? 'cyan';
}

export interface LogsViewProps {
  lines: readonly LogLine[];
  cursor: number;
  start: number;
  height: number;
  width: number;
  launchedAny: boolean;
  logDir: string | undefined;
  /** The key that opens the launch dialog; undefined when this console cannot launch. */
  launchKey: string | undefined;
}

export function LogsView(props: LogsViewProps): React.JSX.Element {
  if (!props.launchedAny) {
    return (
      <Placeholder
        height={props.height}
        text={
          props.launchKey
            ? `No worker launched from this console yet. Press ${props.launchKey} to launch one; its output shows here.`
            : 'This console launches no workers (read-only), so it has no worker output to show.'
        }
      />
    );
  }
  const nameWidth = Math.min(28, Math.max(8, ...props.lines.map((l) => l.worker.length)));
  const visible = props.lines.slice(props.start, props.start + props.height - 1);
  return (
    <Box flexDirection="column" height={props.height}>
      <Text color="gray" wrap="truncate">
        {`logs in ${props.logDir ?? '?'} · ${props.lines.length} lines`}
      </Text>
      {visible.map((line, i) => (
        <Text key={line.seq} wrap="truncate" inverse={props.start + i === props.cursor}>
          <Text color="gray">{formatClock(new Date(line.at))} </Text>
          <Text color={colorOf(line.worker)}>{fit(escapeControl(line.worker), nameWidth)} </Text>
          <Text color={line.text.startsWith('[console]') ? 'gray' : undefined}>
            {escapeControl(line.text)}
          </Text>
        </Text>
      ))}
    </Box>
  );
}
