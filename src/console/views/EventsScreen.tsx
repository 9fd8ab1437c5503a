import React from 'react';
import type { Line } from '../data/detail.js';
import type { TimelineEvent } from '../data/timeline.js';
import type { UiState } from '../ui-state.js';
import { eventsSummary } from './events.js';
import { Tabs } from './Header.js';
import { TextPane } from './TextPane.js';
import { clampScroll } from './scroll.js';
import { filterNote } from './tab-notes.js';

export interface EventsScreenProps {
  ui: UiState;
  /** The timeline's lines, already filtered. */
  lines: readonly Line[];
  events: readonly TimelineEvent[];
  height: number;
}

export function EventsScreen({ ui, lines, events, height }: EventsScreenProps): React.JSX.Element {
  // The filter leads: at 80 columns the tab line keeps only its start.
  const extra = ui.filters.events.text
    ? `${filterNote(ui, 'events').slice(' · '.length)} · ${eventsSummary(events)}`
    : eventsSummary(events);
  return (
    <>
      <Tabs screen="events" extra={extra} />
      <TextPane lines={lines} scroll={clampScroll(lines, ui.scroll.events, height)} height={height} />
    </>
  );
}
