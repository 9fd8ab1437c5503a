#!/usr/bin/env node
import { holdStartupCosts } from '../dist/cli/startup-memory.js';

// Before anything else loads: a worker's start-up should not leave a footprint (see there).
if (process.argv[2] === 'worker') holdStartupCosts();
await import('../dist/cli/main.js');
