#!/usr/bin/env node
// weir's command line. Installed from the package (no src/ next to bin/), it runs the compiled
// engine bundled in dist/bundle/. In a checkout of the repository it registers tsx and runs the TypeScript
// sources, so that a change there needs no build. Either way `weir run` loads TypeScript job files
// (src/cli/typescript-jobs.ts).
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import('../dist/bundle/cli.js');
}
process.exitCode = await cli.main(process.argv.slice(2));
