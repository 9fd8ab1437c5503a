import React from 'react';
import { Text } from 'ink';
import type { Receipt } from '../data/actions.js';
import { bindingOf, displayKey } from '../keymap.js';

const PHASE_COLOR: Record<Receipt['phase'], string | undefined> = {
  running: 'cyan',
  done: 'green',
  'no-effect': 'yellow',
  unheard: 'red',
  error: 'red',
};

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
      <Text>{receipt.message}</Text>
      {receipt.nextStep ? (
        <Text color="yellow" bold>
          {`  [${displayKey(bindingOf('action.nextStep').keys[0] ?? '')}] ${receipt.nextStep.label}`}
        </Text>
      ) : null}
    </Text>
  );
}
