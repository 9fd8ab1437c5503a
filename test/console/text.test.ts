import { describe, expect, it } from 'vitest';
import { escapeControl, escapeLines, fit, formatDuration, sparkline } from '../../src/console/text.js';

describe('text helpers', () => {
  it('shows control characters and escape sequences as visible escapes', () => {
    expect(escapeControl('a\u001b[2Jb')).toBe('a\\e[2Jb');
    expect(escapeControl('x\ny\tz\r')).toBe('x\\ny\\tz\\r');
    expect(escapeControl('bell\u0007 del\u007f c1\u009b')).toBe('bell\\x07 del\\x7f c1\\x9b');
    expect(escapeControl('bidi\u202eevil')).toBe('bidi\\u202eevil');
    expect(escapeControl('héllo 日本')).toBe('héllo 日本');
    expect(escapeLines('Traceback\n  \u001b[31mred\u001b[0m')).toEqual(['Traceback', '  \\e[31mred\\e[0m']);
  });

  it('fits text to terminal columns, wide characters included', () => {
    expect(fit('abc', 5)).toBe('abc  ');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('7', 3, 'right')).toBe('  7');
    expect(fit('日本語です', 5)).toBe('日本…');
    expect(fit('fleet-host07.console2053.1', 14, 'left', 'end')).toBe('…console2053.1');
  });

  it('formats durations compactly', () => {
    expect(formatDuration(0.44)).toBe('0.4s');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(7440)).toBe('2h04m');
    expect(formatDuration(undefined)).toBe('-');
  });

  it('draws a sparkline scaled to its largest value', () => {
    expect(sparkline([0, 1, 2, 4], 4)).toBe(' ▃▅█');
    expect(sparkline([0, 8, 8, 8], 4)).toBe(' ███');
    expect(sparkline([], 3)).toBe('   ');
  });
});
