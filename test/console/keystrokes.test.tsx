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
    expect(frame).toContain(
      'seen nav.down,action.killHorse,nav.down,nav.open,nav.back,nav.nextScreen,nav.pageDown,nav.bottom,screen.help.',
    );
    r.unmount();
  });
});

describe('keys faster than renders', () => {
  it('a filter typed in one burst keeps every character, even delivered as one chunk', async () => {
    const { startConsole } = await import('./harness.js');
    const { startRedis } = await import('../helpers/redis-server.js');
    const { writeFakeWorkers } = await import('./fake-workers.js');
    const redis = await startRedis();
    const ui = startConsole(redis.url);
    try {
      await writeFakeWorkers(redis.client, 'hang-', 1);
      await writeFakeWorkers(redis.client, 'other-', 1);
      await ui.r.waitForFrame('other-0');
      ui.r.stdin.write('/');
      ui.r.stdin.write('h');
      ui.r.stdin.write('a');
      ui.r.stdin.write('n');
      ui.r.stdin.write('g');
      ui.r.stdin.write('\r');
      let frame = await ui.r.waitForFrame('filter /hang/');
      expect(frame).not.toContain('other-0');
      ui.r.stdin.write('\u001b'); // clear the filter
      await ui.r.waitForFrame('other-0');
      ui.r.stdin.write('/oth\r\r'); // one chunk (tmux and pastes do this): filter, then open the one row left
      frame = await ui.r.waitForFrame('Worker other-0');
      expect(frame).toContain('Hash fields');
    } finally {
      await ui.close();
      await redis.stop();
    }
  });
});
