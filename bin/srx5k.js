#!/usr/bin/env node
// The srx5k command runs the compiled program (npm ci builds it through the prepare script).
import { main } from '../dist/cli/app/main.js';

const code = await main(process.argv);
// Let stdout drain before leaving: a piped transcript must arrive whole.
process.stdout.write('', () => process.exit(code));
