import { describe, expect, it } from 'vitest';
import { encodeMessage, lineReader } from '../../src/worker/horse-protocol.js';

// The worker and its horse speak JSON lines over a pipe, which delivers bytes in any chunks.

describe('horse message lines', () => {
  it('come out whole whatever the chunking, in order, skipping a line that is not JSON', () => {
    const seen: unknown[] = [];
    const read = lineReader((message) => seen.push(message));
    const text =
      encodeMessage({ type: 'ready' }) +
      'not json\n' +
      encodeMessage({ type: 'done', jobId: 'a\nb', outcome: { ok: true, value: 'é' } });
    for (let i = 0; i < text.length; i += 7) read(text.slice(i, i + 7));
    expect(seen).toEqual([
      { type: 'ready' },
      { type: 'done', jobId: 'a\nb', outcome: { ok: true, value: 'é' } },
    ]);
  });
});
