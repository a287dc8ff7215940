/**
 * Node built-ins that most jobs never need, loaded on first use instead of at import: an ES module
 * import of `node:crypto`, `node:zlib` or `node:net` compiles them (and the streams they pull in) in every
 * thread that loads the engine, ~25 ms and ~20 ms of CPU per worker thread, for checkpoint
 * checksums, savepoint names and sink tokens that a short job does not use. `require` through
 * `createRequire` loads a built-in without the ES module facade, on the first call here.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);
let crypto: typeof import('node:crypto') | undefined;
let zlib: typeof import('node:zlib') | undefined;
let net: typeof import('node:net') | undefined;

/** `node:crypto`, loaded on the first call. */
export function lazyCrypto(): typeof import('node:crypto') {
  crypto ??= load('node:crypto') as typeof import('node:crypto');
  return crypto;
}

/** `node:zlib`, loaded on the first call. */
export function lazyZlib(): typeof import('node:zlib') {
  zlib ??= load('node:zlib') as typeof import('node:zlib');
  return zlib;
}

/** Whether `host` is an IPv4 or IPv6 address (`node:net`, loaded on the first call: the dashboard's option check). */
export function isIpAddress(host: string): boolean {
  net ??= load('node:net') as typeof import('node:net');
  return net.isIP(host) !== 0;
}

/** `n` random bytes as hex (tokens in file names). */
export function randomHex(n: number): string {
  return lazyCrypto().randomBytes(n).toString('hex');
}
