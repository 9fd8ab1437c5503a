import { describe, expect, it } from 'vitest';
import { RecentMemo } from '../../src/model/recent-memo.js';

describe('RecentMemo', () => {
  it('remembers the last `size` keys and forgets the oldest first', () => {
    const memo = new RecentMemo<number>(2);
    expect(memo.get('a')).toBeUndefined();
    memo.set('a', 1);
    memo.set('b', 2);
    expect([memo.get('a'), memo.get('b')]).toEqual([1, 2]);
    memo.set('c', 3);
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([undefined, 2, 3]);
    memo.set('d', 4);
    expect([memo.get('b'), memo.get('c'), memo.get('d')]).toEqual([undefined, 3, 4]);
  });

  it('keeps falsy values and an empty key apart from a miss', () => {
    const memo = new RecentMemo<number>(3);
    memo.set('', 0);
    expect(memo.get('')).toBe(0);
    expect(memo.get('x')).toBeUndefined();
  });

  it('remembers nothing with no slots (the trick switched off)', () => {
    const memo = new RecentMemo<number>(0);
    memo.set('a', 1);
    expect(memo.get('a')).toBeUndefined();
  });
});
