import React from 'react';
import { Text } from 'ink';
import { Panel } from './Panel.js';
import type { ContextSummary } from '../data/contexts.js';
import { bindingOf, displayKey, type BindingId } from '../keymap.js';
import { escapeControl, formatClock } from '../text.js';
import { contextSummaryText } from './Header.js';

// The `@` list: every context with its health and summary, k9s's context switcher.

const keyOf = (id: BindingId): string => displayKey(bindingOf(id).keys[0] ?? '');

/** Its height: a border and title, one line per context, the hint. */
export function switcherHeight(count: number): number {
  return 4 + count;
}

function health(c: ContextSummary): string {
  if (c.down)
    return `DOWN since ${formatClock(new Date(c.since))} (${escapeControl(c.lastError ?? 'no answer')})`;
  if (c.connection === 'connecting') return 'connecting';
  return 'up';
}

export function ContextSwitcher({
  summaries,
  active,
  cursor,
  width,
}: {
  summaries: readonly ContextSummary[];
  active: string;
  cursor: number;
  width: number;
}): React.JSX.Element {
  const nameWidth = Math.max(...summaries.map((c) => c.name.length), 4);
  return (
    <Panel color="cyan" title={`Contexts (${summaries.length})`} width={width} maxWidth={110}>
      {summaries.map((c, i) => (
        <Text key={c.name} wrap="truncate" inverse={i === cursor}>
          <Text>{c.name === active ? '▸ ' : '  '}</Text>
          <Text bold>{escapeControl(c.name).padEnd(nameWidth)}</Text>
          <Text color={c.down ? 'red' : 'green'} bold={c.down}>{`  ${health(c)}`}</Text>
          {c.down ? null : <Text>{`  ${contextSummaryText(c)}`}</Text>}
          <Text color="gray">{`  ${escapeControl(c.display)}`}</Text>
        </Text>
      ))}
      <Text color="gray" wrap="truncate">
        {`${keyOf('switcher.up')}/${keyOf('switcher.down')} choose · ${keyOf('switcher.switch')} switch · ${keyOf('switcher.cancel')} close`}
      </Text>
    </Panel>
  );
}
