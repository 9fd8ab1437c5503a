import React from 'react';
import { Text } from 'ink';
import { displayKey, footerBindings, type Context } from '../keymap.js';

/** The keys that apply here, straight from the keymap table. */
export function Footer({ context, readOnly }: { context: Context; readOnly: boolean }): React.JSX.Element {
  const bindings = footerBindings(context, { readOnly });
  return (
    <Text wrap="truncate">
      {bindings.map((b) => (
        <Text key={b.id}>
          <Text color="cyan" bold>
            {displayKey(b.keys[0] ?? '')}
          </Text>
          <Text color="gray"> {b.label} </Text>
        </Text>
      ))}
    </Text>
  );
}
