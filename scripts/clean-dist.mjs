// `npm run build` starts from an empty dist/: a file moved or deleted in src/ must not live
// on in dist/, where bin/rqts.js and the CLI tests would still load it.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
