import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * A fresh directory `<tmpdir>/<prefix>XXXXXX` for the enclosing file or describe block:
 * made before its tests (handed over through `assign`), removed with its contents after them.
 */
export function useTempDir(prefix: string, assign: (dir: string) => void): void {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), prefix));
    assign(dir);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}
