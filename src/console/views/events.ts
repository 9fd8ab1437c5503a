import type { Line } from '../data/detail.js';
import type { TimelineEvent } from '../data/timeline.js';
import wrapAnsi from 'wrap-ansi';
import { filterRows, type Filter, NO_FILTER } from '../data/table.js';
import { formatClock } from '../text.js';
import { keyOf } from '../keymap.js';

// The event timeline as text lines, newest first: at 3 a.m. the question is "what just
// happened", so the latest event is the first line, and each names its kind in a fixed column
// so the eye can run down "worker / flag / job / redis / action".

/** Clock, kind and their gaps: continuation lines start under the text. */
const TEXT_COLUMN = 18;

/**
 * Wrapped, not cut: the timeline is where a receipt cut short on the status line is read
 * whole, so at 80 columns an event takes as many lines as it needs.
 */
export function eventLines(
  all: readonly TimelineEvent[],
  filter: Filter = NO_FILTER,
  width = Number.POSITIVE_INFINITY,
): Line[] {
  // The clock is part of the haystack, so /03:12 finds what happened at that minute.
  const { rows: events, error } = filterRows(
    all,
    (e) => `${formatClock(new Date(e.at))} ${e.kind} ${e.text}`,
    filter,
  );
  if (error) return [{ text: `Bad filter: ${error}`, tone: 'bad' }];
  if (events.length === 0 && all.length > 0)
    return [
      { text: `No event of ${all.length} matches the filter (${keyOf('nav.back')} clears it).`, tone: 'dim' },
    ];
  if (events.length === 0)
    return [
      {
        text: 'Nothing has happened since the console started: workers appearing or dying, flags, orphaned jobs, Redis restarts and every action you send will show here.',
        tone: 'dim',
      },
    ];
  const lines: Line[] = [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    const head = `${formatClock(new Date(e.at))}  ${e.kind.padEnd(6)}  `;
    const room = Math.max(20, width - TEXT_COLUMN);
    const parts = Number.isFinite(width)
      ? wrapAnsi(e.text, room, { hard: true, trim: true }).split('\n')
      : [e.text];
    parts.forEach((part, i) =>
      lines.push({ text: (i === 0 ? head : ' '.repeat(TEXT_COLUMN)) + part, tone: e.tone }),
    );
  }
  return lines;
}

/** The tab line's summary: how many events, and how many of them went wrong. */
export function eventsSummary(events: readonly TimelineEvent[]): string {
  const bad = events.filter((e) => e.tone === 'bad').length;
  return `${events.length} event${events.length === 1 ? '' : 's'}${bad > 0 ? ` · ${bad} bad` : ''} · newest first`;
}
