import React from 'react';
import { Box, Text } from 'ink';
import type { Line } from '../data/detail.js';
import { toneColor } from './theme.js';

/** Scrollable lines (detail, help); the caller clamps `scroll`. */
export function TextPane({
  lines,
  scroll,
  height,
}: {
  lines: readonly Line[];
  scroll: number;
  height: number;
}): React.JSX.Element {
  const visible = lines.slice(scroll, scroll + height);
  return (
    <Box flexDirection="column" height={height}>
      {visible.map((line, i) => (
        <Text key={scroll + i} wrap="truncate" color={toneColor(line.tone)} bold={line.bold}>
          {line.text === '' ? ' ' : line.text}
        </Text>
      ))}
    </Box>
  );
}
