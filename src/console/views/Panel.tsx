import React from 'react';
import { Box, Text } from 'ink';

/** A dialog's frame: a rounded border in the dialog's colour, its title in bold on the first line. */
export function Panel(props: {
  color: string;
  title: React.ReactNode;
  /** The terminal's width and the widest the panel may be; unset: as wide as its content. */
  width?: number;
  maxWidth?: number;
  children?: React.ReactNode;
}): React.JSX.Element {
  const width = props.width === undefined ? undefined : Math.min(props.width, props.maxWidth ?? props.width);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={props.color} paddingX={1} width={width}>
      <Text bold color={props.color} wrap="truncate">
        {props.title}
      </Text>
      {props.children}
    </Box>
  );
}
