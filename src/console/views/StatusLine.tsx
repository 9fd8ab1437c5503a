import React from 'react';
import { Text } from 'ink';
import { describeCommand, type Receipt } from '../data/actions.js';
import { escapeControl, formatClock } from '../text.js';
import { keyOf } from '../keymap.js';

const PHASE_COLOR: Record<Receipt['phase'], string | undefined> = {
  running: 'cyan',
  done: 'green',
  'no-effect': 'yellow',
  unheard: 'red',
  error: 'red',
};

/** A job id as receipts show it: enough to tell jobs apart, short enough to leave room. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

/**
 * A receipt as one line that survives 80 columns: the outcome first, then what was sent,
 * with job ids shortened (the detail screen and `:` show them whole).
 */
export function receiptText(receipt: Receipt): string {
  const what = describeCommand(receipt.command);
  let text = receipt.message;
  if (text.startsWith(`${what}: `)) text = `${text.slice(what.length + 2)} · ${what}`;
  else if (text.startsWith(`${what} `)) text = `${text.slice(what.length + 1)} · ${what}`;
  const id = 'jobId' in receipt.command ? receipt.command.jobId : undefined;
  if (id && id.length > 12) text = text.split(escapeControl(id)).join(shortId(escapeControl(id)));
  return text;
}

/** How long the status line keeps a message; the event timeline (5) keeps every one. */
export const NOTICE_FADE_MS = 30_000;
export const RECEIPT_FADE_MS = 60_000;
/** A receipt offering a next step (`n`) stays while the offer is likely still worth taking. */
export const NEXT_STEP_FADE_MS = 300_000;

/**
 * What the status line shows now: the newer of the latest receipt and notice, until it fades.
 * A running receipt never fades: its outcome is still to come.
 */
export function statusShown(
  receipt: Receipt | undefined,
  notice: { text: string; at: number } | undefined,
  now: number,
): 'receipt' | 'notice' | 'none' {
  const receiptFresh =
    receipt !== undefined &&
    (receipt.phase === 'running' ||
      now - (receipt.endedAt ?? now) < (receipt.nextStep ? NEXT_STEP_FADE_MS : RECEIPT_FADE_MS));
  const noticeFresh = notice !== undefined && now - notice.at < NOTICE_FADE_MS;
  if (noticeFresh && (!receipt || notice.at >= receipt.startedAt)) return 'notice';
  return receiptFresh ? 'receipt' : 'none';
}

/** The latest receipt, with the next step it offers; or a hint line. */
export function StatusLine({
  receipt,
  hint,
}: {
  receipt: Receipt | undefined;
  hint: string | undefined;
}): React.JSX.Element {
  if (!receipt)
    return (
      <Text color="gray" wrap="truncate">
        {hint ?? ' '}
      </Text>
    );
  return (
    <Text wrap="truncate">
      <Text color="gray">{`${formatClock(new Date(receipt.endedAt ?? receipt.startedAt))} `}</Text>
      <Text color={PHASE_COLOR[receipt.phase]} bold>
        {receipt.phase === 'running' ? '… ' : receipt.phase === 'done' ? '✓ ' : '✗ '}
      </Text>
      {receipt.nextStep ? (
        <Text color="yellow" bold>
          {`[${keyOf('action.nextStep')}] ${receipt.nextStep.label}  `}
        </Text>
      ) : null}
      <Text>{receiptText(receipt)}</Text>
    </Text>
  );
}
