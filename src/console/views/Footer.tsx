import React from 'react';
import { Text } from 'ink';
import { displayKey, footerBindings, type Binding, type Context } from '../keymap.js';
import { displayWidth } from '../text.js';

const itemWidth = (b: Binding): number => displayWidth(`${displayKey(b.keys[0])} ${b.label} `);

/**
 * The keys that apply here, straight from the keymap table, in its order. On a narrow
 * terminal the later ones give way whole (never a key cut in half), and `? help` stays.
 */
export function fittingBindings(context: Context, readOnly: boolean, width: number): Binding[] {
  const all = footerBindings(context, { readOnly });
  const help = all.find((b) => b.id === 'screen.help');
  let room = width - (help ? itemWidth(help) : 0);
  const kept: Binding[] = [];
  for (const b of all) {
    if (b === help) continue;
    const w = itemWidth(b);
    if (w > room) break;
    kept.push(b);
    room -= w;
  }
  return help ? [...kept, help] : kept;
}

export function Footer({
  context,
  readOnly,
  width,
}: {
  context: Context;
  readOnly: boolean;
  width: number;
}): React.JSX.Element {
  const bindings = fittingBindings(context, readOnly, width);
  return (
    <Text wrap="truncate">
      {bindings.map((b) => (
        <Text key={b.id}>
          <Text color="cyan" bold>
            {displayKey(b.keys[0])}
          </Text>
          <Text color="gray"> {b.label} </Text>
        </Text>
      ))}
    </Text>
  );
}
