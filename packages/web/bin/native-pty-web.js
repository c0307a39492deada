#!/usr/bin/env node
// The command; the code is built into dist/ (npm run build in this package, or npm start).
import '../dist/cli.js';
