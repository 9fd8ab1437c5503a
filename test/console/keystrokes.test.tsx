import React, { useState } from 'react';
import { Text, useInput } from 'ink';
import { describe, expect, it } from 'vitest';
import { resolveKey } from '../../src/console/keymap.js';
import { KEYS, renderConsole } from './render.js';

// Checked first (ink-testing-library issue #29 reported lost keystrokes on Ink 5): every
// key the console relies on must reach Ink 6's useInput through our fake stdin.

function Probe(): React.JSX.Element {
  const [seen, setSeen] = useState<string[]>([]);
  useInput((input, key) => {
    const id = resolveKey('workers', input, key) ?? resolveKey('confirm', input, key) ?? `text:${input}`;
    setSeen((s) => [...s, id]);
  });
  return <Text>seen {seen.join(',')}.</Text>;
}

describe('keystrokes through the render helper', () => {
  it('letters, capitals, arrows, Enter, Esc, Tab and ctrl keys arrive as keymap ids', async () => {
    const r = renderConsole(<Probe />);
    await r.press('j', 'K', KEYS.down, KEYS.enter, KEYS.escape, KEYS.tab, '\u0006', 'G', '?');
    const frame = await r.waitForFrame('nav.bottom,screen.help.');
    expect(frame).toContain('seen nav.down,action.killHorse,nav.down,nav.open,nav.back,nav.nextScreen,nav.pageDown,nav.bottom,screen.help.');
    r.unmount();
  });
});
