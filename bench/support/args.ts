/**
 * Command-line arguments of `bench/run.ts`: `<subject> [--quick] [--json] [--name value | --name=value]...`.
 * Every subject receives the same parsed {@link BenchArgs} and reads its own flags from it.
 */

/** Parsed arguments handed to a subject's `run`. */
export interface BenchArgs {
  /** CI smoke mode: small inputs, well under 30 s in total. */
  readonly quick: boolean;
  /** Print one JSON object as the last line of output. */
  readonly json: boolean;
  /** Every `--name[=value]` flag; a flag given without a value is `true`. */
  readonly flags: ReadonlyMap<string, string | true>;
  /** Arguments after the subject that are not flags. */
  readonly positional: readonly string[];
}

/** Splits `argv` (without node and script) into the subject and its arguments. */
export function parseArgs(argv: readonly string[]): { subject: string | undefined; args: BenchArgs } {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 2) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const name = arg.slice(2);
    const next = argv[i + 1];
    const isBoolean = name === 'quick' || name === 'json';
    if (!isBoolean && next !== undefined && !next.startsWith('--')) {
      flags.set(name, next);
      i++;
    } else {
      flags.set(name, true);
    }
  }
  const [subject, ...rest] = positional;
  return {
    subject,
    args: { quick: flags.has('quick'), json: flags.has('json'), flags, positional: rest },
  };
}

/** A flag's value as a comma-separated list, or undefined when the flag is absent. */
export function flagList(args: BenchArgs, name: string): string[] | undefined {
  const value = args.flags.get(name);
  if (value === undefined) return undefined;
  if (value === true) throw new Error(`--${name} needs a value, e.g. --${name}=a,b`);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A flag's value as a positive number, or `fallback` when the flag is absent. */
export function flagNumber(args: BenchArgs, name: string, fallback: number): number {
  const value = args.flags.get(name);
  if (value === undefined) return fallback;
  const n = value === true ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${value}`);
  return n;
}
