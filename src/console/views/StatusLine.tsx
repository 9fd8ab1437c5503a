import React from 'react';
import { Text } from 'ink';
import { describeCommand, type Receipt } from '../data/actions.js';
import { escapeControl } from '../text.js';
import { bindingOf, displayKey } from '../keymap.js';

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
      <Text color={PHASE_COLOR[receipt.phase]} bold>
        {receipt.phase === 'running' ? '… ' : receipt.phase === 'done' ? '✓ ' : '✗ '}
      </Text>
      {receipt.nextStep ? (
        <Text color="yellow" bold>
          {`[${displayKey(bindingOf('action.nextStep').keys[0] ?? '')}] ${receipt.nextStep.label}  `}
        </Text>
      ) : null}
      <Text>{receiptText(receipt)}</Text>
    </Text>
  );
}
