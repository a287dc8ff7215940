#!/usr/bin/env node
// weir's command line. Registers tsx so that weir's own TypeScript sources and TypeScript job files
// load directly, then hands over to src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
