import { describe, expect, it } from 'vitest';
import type { Receipt } from '../../src/console/data/actions.js';
import {
  NEXT_STEP_FADE_MS,
  NOTICE_FADE_MS,
  RECEIPT_FADE_MS,
  statusShown,
} from '../../src/console/views/StatusLine.js';

// The status line keeps a receipt or notice for a while, then lets it go (the event timeline
// keeps them all): a stale "✓ done" from an hour ago must not read as the state of things.

const T = Date.UTC(2026, 11, 2, 3, 0, 0);

function receipt(patch: Partial<Receipt>): Receipt {
  return {
    seq: 1,
    command: { kind: 'resume' },
    phase: 'done',
    listeners: undefined,
    message: 'resume workers: done',
    startedAt: T,
    endedAt: T + 100,
    nextStep: undefined,
    ...patch,
  };
}

describe('status line fading', () => {
  it('shows a finished receipt for a minute, then nothing', () => {
    expect(statusShown(receipt({}), undefined, T + 1000)).toBe('receipt');
    expect(statusShown(receipt({}), undefined, T + 100 + RECEIPT_FADE_MS + 1)).toBe('none');
  });

  it('keeps a running receipt, and one offering a next step for longer', () => {
    expect(statusShown(receipt({ phase: 'running', endedAt: undefined }), undefined, T + 3_600_000)).toBe(
      'receipt',
    );
    const offer = receipt({
      phase: 'no-effect',
      nextStep: { command: { kind: 'suspend' }, label: 'suspend' },
    });
    expect(statusShown(offer, undefined, T + RECEIPT_FADE_MS * 2)).toBe('receipt');
    expect(statusShown(offer, undefined, T + 100 + NEXT_STEP_FADE_MS + 1)).toBe('none');
  });

  it('a newer notice wins over the receipt until it fades, then the receipt shows again', () => {
    const notice = { text: 'No worker selected', at: T + 500 };
    expect(statusShown(receipt({}), notice, T + 1000)).toBe('notice');
    expect(statusShown(receipt({}), notice, T + 500 + NOTICE_FADE_MS + 1)).toBe('receipt');
    expect(statusShown(undefined, notice, T + 500 + NOTICE_FADE_MS + 1)).toBe('none');
  });
});
