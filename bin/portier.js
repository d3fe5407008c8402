#!/usr/bin/env node
// The CLI runs the compiled JavaScript: no TypeScript loader on the request path.
import '../dist/cli/main.js';
