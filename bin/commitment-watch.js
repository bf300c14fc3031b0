#!/usr/bin/env node
// The installed command: the compiled CLI (built into dist/ by `npm install`), the same program as `npm run cli`.
await import('../dist/src/cli/main.js');
