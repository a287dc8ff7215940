#!/usr/bin/env node
// Adds lockfile records for platform-specific optional packages that this machine's npm registry
// mirror does not serve (it answers 404 for, e.g., the darwin and win32 builds of biome's CLI).
// npm install then leaves them out of package-lock.json, and `npm ci` refuses the lockfile
// ("Missing: ... from lock file"). A record with the package's os/cpu/libc lets `npm ci` see that
// the package is for another platform and skip it. Run after changing dependencies:
//   node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

/** os, cpu and libc from a platform package's name (biome and msgpackr-extract naming). */
function platformOf(name) {
  const match = /(android|darwin|linux|win32|freebsd)-(arm64|x64|arm|ia32)(-musl)?$/.exec(name);
  if (!match) return undefined;
  const [, os, cpu, musl] = match;
  return { os: [os], cpu: [cpu], ...(os === 'linux' ? { libc: [musl ? 'musl' : 'glibc'] } : {}) };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `node_modules/${dep}`;
    if (packages[where] || packages[`${path}/${where}`]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    packages[where] = { version, ...platform, ...(entry.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform package record(s) to package-lock.json`);
