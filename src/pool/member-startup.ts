import { holdStartupCosts } from '../cli/startup-memory.js';

// Imported first by member-main, so the hold is in place before anything else loads: a pool
// member is a worker, and should keep as little of its start-up as `rqts worker` does.
holdStartupCosts();
