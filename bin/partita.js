#!/usr/bin/env node
// The compiled CLI (npm's prepare step builds dist/ at install time).
import '../dist/cli/main.js';
