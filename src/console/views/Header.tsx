import React from 'react';
import { Box, Text } from 'ink';
import type { ConnectionState } from '../data/poller.js';
import type { Totals } from '../data/derive.js';
import { REDIS_CPU_BUDGET, type RefreshPace } from '../data/refresh-budget.js';
import type { ContextSummary } from '../data/contexts.js';
import { hintKey, type ScreenId } from '../keymap.js';
import { escapeControl, formatClock, formatCount, formatDuration, formatRate } from '../text.js';

export interface HeaderProps {
  width: number;
  display: string;
  serverVersion: string | undefined;
  latencyMs: number | undefined;
  intervalMs: number;
  /** Why the interval is longer than asked (a large fleet), if it is. */
  pace: RefreshPace['reason'];
  /** Frozen by `Z` since then (ms). */
  frozenAt: number | undefined;
  connection: ConnectionState;
  since: number;
  lastError: string | undefined;
  dataAt: number | undefined;
  totals: Totals | undefined;
  finishedRate: number;
  failedRate: number;
  finishedSpark: string;
  failedSpark: string;
  suspended: boolean;
  readOnly: boolean;
  note: string | undefined;
  /** "Redis restarted at …" while recent. */
  restart?: string;
  now: number;
  /** Several Redis at once: the one on screen, and a summary line when there are more. */
  context?: string;
  summaries?: readonly ContextSummary[];
}

/** How many lines the header takes (the body gets the rest). */
export function headerHeight(contexts: number): number {
  return 2 + (contexts > 1 ? 1 : 0);
}

/** One context's few words: busy/total workers, flagged, failed/s, or down. */
export function contextSummaryText(c: ContextSummary): string {
  if (c.down) return 'down';
  if (c.workers === undefined) return c.connection === 'connecting' ? 'connecting…' : '…';
  const flagged = c.flagged > 0 ? ` ⚑${c.flagged}` : '';
  return `${c.busy}/${c.workers} busy${flagged} fail ${formatRate(c.failedPerSecond)}${c.frozen ? ' (frozen)' : ''}`;
}

function ContextsLine({
  summaries,
  active,
}: {
  summaries: readonly ContextSummary[];
  active: string | undefined;
}): React.JSX.Element {
  return (
    <Text wrap="truncate">
      <Text color="gray">{`${hintKey('app.contexts') ?? '@'} `}</Text>
      {summaries.map((c, i) => (
        <Text key={c.name}>
          {i > 0 ? <Text color="gray"> │ </Text> : null}
          <Text bold={c.name === active} inverse={c.name === active}>
            {escapeControl(c.name)}
          </Text>
          <Text color={c.down ? 'red' : c.flagged > 0 ? 'yellow' : undefined} bold={c.down}>
            {` ${contextSummaryText(c)}`}
          </Text>
        </Text>
      ))}
    </Text>
  );
}

/** How to resume, unless this console may not (read-only). */
function suspendedHint(readOnly: boolean): string {
  const key = hintKey('action.suspendToggle', { readOnly });
  return key ? ` (${key} resumes)` : '';
}

const PACE_TEXT: Record<NonNullable<RefreshPace['reason']>, string> = {
  'redis-budget': `paced: Redis ≤${REDIS_CPU_BUDGET * 100}%`,
  'slow-read': 'paced: slow reads',
};

function Refresh(props: HeaderProps): React.JSX.Element {
  if (props.frozenAt !== undefined) {
    const key = hintKey('app.freeze', { readOnly: props.readOnly });
    return (
      <Text color="yellow" bold>
        FROZEN at {formatClock(new Date(props.frozenAt))}
        {key ? ` (${key} resumes)` : ''}
      </Text>
    );
  }
  const every = `every ${formatDuration(props.intervalMs / 1000)}`;
  if (!props.pace) return <Text>{every}</Text>;
  return <Text color="yellow">{`${every} (${PACE_TEXT[props.pace]})`}</Text>;
}

function Sep(): React.JSX.Element {
  return <Text color="gray"> │ </Text>;
}

export function Header(props: HeaderProps): React.JSX.Element {
  const { totals } = props;
  const states = totals ? Object.entries(totals.byState).sort(([a], [b]) => a.localeCompare(b)) : [];
  return (
    <Box flexDirection="column" width={props.width}>
      <Text wrap="truncate">
        <Text bold color="cyan">
          rqts console
        </Text>
        {props.context !== undefined ? (
          <>
            <Sep />
            <Text bold color="magenta">
              {escapeControl(props.context)}
            </Text>
          </>
        ) : null}
        <Sep />
        <Text>{escapeControl(props.display)}</Text>
        <Sep />
        <Text>{props.serverVersion ? `Redis ${escapeControl(props.serverVersion)}` : 'Redis ?'}</Text>
        {totals && totals.protocols.length > 0 ? (
          <>
            <Sep />
            {/* A mixed fleet is worth a colour: 1.x clean-ups drop 2.x's composite members. */}
            <Text color={totals.protocols.length > 1 ? 'yellow' : undefined}>
              {`RQ ${totals.protocols.map((m) => `${m}.x`).join('+')} fleet`}
            </Text>
          </>
        ) : null}
        <Sep />
        <Text>rtt {props.latencyMs === undefined ? '-' : `${props.latencyMs.toFixed(1)}ms`}</Text>
        <Sep />
        <Refresh {...props} />
        {props.readOnly ? (
          <>
            <Sep />
            <Text color="magenta" bold>
              READ-ONLY
            </Text>
          </>
        ) : null}
        {props.note ? (
          <>
            <Sep />
            <Text color="magenta">{props.note}</Text>
          </>
        ) : null}
      </Text>
      {props.summaries && props.summaries.length > 1 ? (
        <ContextsLine summaries={props.summaries} active={props.context} />
      ) : null}
      <Text wrap="truncate">
        {totals ? (
          <>
            <Text bold>workers {totals.workers}</Text>
            {states.map(([state, n]) => (
              <Text key={state} color={state === 'busy' ? 'yellow' : state === 'idle' ? 'green' : undefined}>
                {' '}
                {escapeControl(state)} {n}
              </Text>
            ))}
            {totals.ghosts > 0 ? <Text color="red"> ghost {totals.ghosts}</Text> : null}
            {totals.flagged > 0 ? (
              <Text color="red" bold>
                {' '}
                ⚑ {totals.flagged} flagged
              </Text>
            ) : null}
            {totals.orphaned > 0 ? (
              <Text color="red" bold>
                {' '}
                {totals.orphaned} ORPHANED
              </Text>
            ) : null}
            <Sep />
            <Text>
              queued {formatCount(totals.queued)} started {formatCount(totals.started)}{' '}
            </Text>
            <Text color={totals.failed > 0 ? 'red' : undefined}>failed {formatCount(totals.failed)}</Text>
            <Sep />
            <Text>done {formatRate(props.finishedRate)} </Text>
            <Text color="green">{props.finishedSpark}</Text>
            <Text> fail {formatRate(props.failedRate)} </Text>
            <Text color="red">{props.failedSpark}</Text>
          </>
        ) : (
          <Text color="gray">reading Redis…</Text>
        )}
      </Text>
      {props.connection !== 'ready' && props.connection !== 'connecting' ? (
        <Text wrap="truncate" backgroundColor="red" color="white" bold>
          {` ⚠ Redis unreachable since ${formatClock(new Date(props.since))} (${escapeControl(props.lastError ?? 'no answer')}) — reconnecting; ${props.dataAt ? `data shown is from ${formatClock(new Date(props.dataAt))}` : 'no data yet'} `}
        </Text>
      ) : props.connection === 'connecting' && !totals ? (
        <Text color="gray">connecting to {escapeControl(props.display)}…</Text>
      ) : props.restart ? (
        <Text wrap="truncate" backgroundColor="yellow" color="black" bold>
          {` ⚠ ${escapeControl(props.restart)} `}
        </Text>
      ) : props.suspended ? (
        <Text wrap="truncate" backgroundColor="yellow" color="black" bold>
          {` ⏸ SUSPENDED: workers start no new jobs${suspendedHint(props.readOnly)} `}
        </Text>
      ) : null}
    </Box>
  );
}

const TAB_LABELS: [ScreenId, string][] = [
  ['workers', '1 Workers'],
  ['queues', '2 Queues'],
  ['jobs', '3 Jobs'],
  ['logs', '4 Logs'],
  ['events', '5 Events'],
  ['cron', '6 Cron'],
  ['help', '7 Help'],
];

export function Tabs({ screen, extra }: { screen: ScreenId; extra: string }): React.JSX.Element {
  return (
    <Text wrap="truncate">
      {TAB_LABELS.map(([id, label]) => (
        <Text key={id} inverse={screen === id} bold={screen === id}>
          {` ${label} `}
        </Text>
      ))}
      {screen === 'detail' ? (
        <Text inverse bold>
          {' '}
          Detail{' '}
        </Text>
      ) : null}
      <Text color="gray"> {extra}</Text>
    </Text>
  );
}
