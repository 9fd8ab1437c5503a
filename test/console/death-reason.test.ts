import { describe, expect, it } from 'vitest';
import { deathReasonOf } from '../../src/console/data/detail.js';

// Job detail leads with why the horse died, read from the failure text rqts writes.

describe('the death reason in job detail', () => {
  it('reads the reason rqts appends after RQ text', () => {
    expect(
      deathReasonOf(
        'Work-horse terminated unexpectedly; waitpid returned 9 (signal 9); SIGKILL from outside (peak RSS 80 MiB, no memory limit)',
      ),
    ).toBe('SIGKILL from outside (peak RSS 80 MiB, no memory limit)');
    expect(
      deathReasonOf(
        'Work-horse terminated unexpectedly; waitpid returned 9 (signal 9); killed by the OOM killer (SIGKILL) (peak RSS 255 MiB, memory limit 256 MiB)',
      ),
    ).toMatch(/^killed by the OOM killer/);
    expect(
      deathReasonOf('Work-horse terminated unexpectedly; waitpid returned 256; crashed with exit code 1'),
    ).toBe('crashed with exit code 1');
  });

  it('says nothing for Python RQ text or other failures', () => {
    expect(
      deathReasonOf('Work-horse terminated unexpectedly; waitpid returned 9 (signal 9); '),
    ).toBeUndefined();
    expect(deathReasonOf('Traceback (most recent call last):\nValueError: boom')).toBeUndefined();
    expect(deathReasonOf(undefined)).toBeUndefined();
  });
});
