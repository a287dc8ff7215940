/**
 * The CLI's flags, parsed by `node:util`'s `parseArgs`, with the errors a user can act on: every
 * problem is one {@link UsageError} or {@link InvalidOptionError} naming the flag as it was typed
 * (`-p` or `--parallelism`) and the text given. Numbers are read here (`-p abc` says "abc"); their
 * ranges are checked by the API's own validation, whose errors {@link renameOption} re-labels with
 * the flag.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InvalidOptionError } from '../errors.ts';
import { UsageError } from './errors.ts';

/** A command's flags, as `parseArgs` takes them. */
export type Flags = NonNullable<ParseArgsConfig['options']>;

/** Flags and positionals of one command line, and the spelling each flag was given in. */
export interface CommandLine<F extends Flags> {
  readonly values: ReturnType<typeof parseArgs<{ options: F; allowPositionals: true }>>['values'];
  readonly positionals: string[];
  /** The flag as the user typed it (`-p` or `--parallelism`). */
  typed(name: keyof F & string): string;
}

/** Parses `argv` against `flags`; throws {@link UsageError} naming the flag the user typed. */
export function parseCommandLine<F extends Flags>(argv: readonly string[], flags: F): CommandLine<F> {
  const args = joinNegativeNumbers(argv, flags);
  let parsed: ReturnType<typeof parseArgs<{ options: F; allowPositionals: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args, options: flags, allowPositionals: true, tokens: true });
  } catch (error) {
    throw usageError(error, args);
  }
  const spelling = new Map<string, string>();
  for (const token of parsed.tokens) if (token.kind === 'option') spelling.set(token.name, token.rawName);
  return {
    values: parsed.values,
    positionals: parsed.positionals,
    typed: (name) => spelling.get(name) ?? `--${name}`,
  };
}

/** A number flag's value, or undefined when absent; throws naming the flag and the text otherwise. */
export function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) throw new InvalidOptionError(flag, 'a number', text);
  return value;
}

/** A flag whose value is one of `choices`. */
export function choiceFlag<C extends string>(
  flag: string,
  text: string | undefined,
  choices: readonly C[],
): C | undefined {
  if (text === undefined || (choices as readonly string[]).includes(text)) return text as C | undefined;
  throw new InvalidOptionError(flag, `one of ${choices.join(', ')}`, text);
}

/**
 * The API's validation error for an option the user gave as a flag, re-labelled with the flag
 * (`intervalMs must be ...` becomes `--checkpoint-interval must be ...`); other errors unchanged.
 */
export function renameOption(error: unknown, flagOf: (option: string) => string | undefined): unknown {
  if (!(error instanceof InvalidOptionError)) return error;
  const flag = flagOf(error.option);
  return flag === undefined ? error : new InvalidOptionError(flag, error.expected, error.value);
}

/**
 * `-p -1` as `-p=-1`: parseArgs reads a value starting with a dash as a flag, but a negative
 * number after a flag that takes a value is that value (and then gets a range error naming it).
 */
function joinNegativeNumbers(argv: readonly string[], flags: Flags): string[] {
  const takesValue = new Set<string>();
  for (const [name, flag] of Object.entries(flags)) {
    if (flag.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if (flag.short) takesValue.add(`-${flag.short}`);
  }
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-[\d.]/.test(next)) {
      args.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`);
      i++;
    } else {
      args.push(arg);
    }
    if (arg === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
  }
  return args;
}

function usageError(error: unknown, args: readonly string[]): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return error;
  const message = (error as Error).message;
  // parseArgs quotes the flag: '--bogus', '--json' or '-p, --parallelism <value>'.
  const names = (/'([^']+)'/.exec(message)?.[1] ?? '').replace(/ <value>$/, '').split(', ');
  const index = args.findIndex((arg) => names.some((n) => arg === n || arg.startsWith(`${n}=`)));
  const typed = args[index] ?? names[0] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option ${typed}`);
  if (/does not take an argument/.test(message)) {
    const [flag, ...value] = typed.split('=');
    return new UsageError(`${flag} takes no value, got ${JSON.stringify(value.join('='))}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const next = args[index + 1];
    return new UsageError(`${typed} needs a value${next === undefined ? '' : `, got the flag ${next}`}`);
  }
  return new UsageError(message.split('\n')[0]!);
}
