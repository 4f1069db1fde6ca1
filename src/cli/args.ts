/** A small, strict flag parser: unknown flags and missing values are usage errors, never crashes. */
import { usageError } from '../errors.js';
import { type DriverSource, type ExternalDriver, driverName } from '../peers/drivers/index.js';
import { canonicalPeerName } from '../peers/registry/index.js';
import type { DriverPeerName } from '../peers/types.js';

interface FlagSpec {
  readonly type: 'string' | 'number' | 'boolean';
  /** May be given several times; values collect into an array. */
  readonly repeat?: boolean;
  readonly help: string;
  readonly default?: string | number | boolean;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

interface ParsedArgs {
  readonly flags: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

export { usageError };

export function parseArgs(argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const flags: Record<string, string | number | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  for (const [name, spec] of Object.entries(specs)) if (spec.default !== undefined) flags[name] = spec.default;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith('--') || token === '--') {
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw usageError(`unknown option --${name}`);
    let value: string | undefined = eq < 0 ? undefined : token.slice(eq + 1);
    if (spec.type === 'boolean') {
      if (value !== undefined && !['true', 'false'].includes(value)) throw usageError(`--${name} takes no value`);
      flags[name] = value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw usageError(`--${name} needs a value`);
    }
    let parsed: string | number = value;
    if (spec.type === 'number') {
      if (!/^\d+(\.\d+)?$/.test(value)) throw usageError(`--${name} needs a non-negative number, got ${JSON.stringify(value)}`);
      parsed = Number(value);
    }
    if (spec.repeat) {
      const list = (flags[name] as string[] | undefined) ?? [];
      list.push(String(parsed));
      flags[name] = list;
    } else flags[name] = parsed;
  }
  return { flags, positionals };
}

export function renderFlags(specs: FlagSpecs): string {
  return Object.entries(specs)
    .map(
      ([name, s]) =>
        `  --${name}${s.type === 'boolean' ? '' : ` <${s.type === 'number' ? 'n' : 'value'}>`}${s.repeat ? ' (repeatable)' : ''}`.padEnd(34) +
        s.help +
        (s.default !== undefined && s.type !== 'boolean' ? ` (default ${String(s.default)})` : ''),
    )
    .join('\n');
}

/** host:port with a loopback-friendly default host. */
export function parseAddress(text: string, flag: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+))?:?(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port < 1 || port > 65535) throw usageError(`${flag} expects host:port, got ${JSON.stringify(text)}`);
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

/** `[NAME=]COMMAND`: NAME is a plain word; without one the program's base name is used. */
export function parseDriverCommand(text: string, flag: string): ExternalDriver {
  const m = /^([A-Za-z0-9._-]+)=(.+)$/s.exec(text);
  const command = (m ? m[2]! : text).trim();
  if (command === '') throw usageError(`${flag} needs a command`);
  const name = m ? m[1]! : (command.split(/\s+/)[0]!.split('/').pop() ?? 'driver');
  return { name, command };
}

/** A comma list of names out of `all`, in `all`'s order (`fallback` when the flag is absent); an unknown name is a usage error. */
export function pickList<T extends string>(raw: unknown, all: readonly T[], flag: string, fallback: readonly T[] = all): readonly T[] {
  if (typeof raw !== 'string') return fallback;
  const wanted = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted.filter((w) => !all.includes(w as T));
  if (unknown.length > 0) throw usageError(`${flag}: unknown ${unknown.map((u) => JSON.stringify(u)).join(', ')}; one of ${all.join(', ')}`);
  return all.filter((x) => wanted.includes(x));
}

/**
 * The drivers of one role a command runs (interop, soak): the built-in ones `--clients`/`--workers`
 * names out of `all` (`fallback` when absent), then every `--client-cmd`/`--worker-cmd` NAME=COMMAND.
 * Given only external drivers, those are the only ones. Two drivers may not share a name.
 */
export function driverSources(flags: Readonly<Record<string, unknown>>, role: 'client' | 'worker', all: readonly DriverPeerName[], fallback: readonly DriverPeerName[] = all): readonly DriverSource[] {
  const external = ((flags[`${role}-cmd`] as readonly string[] | undefined) ?? []).map((c) => parseDriverCommand(c, `--${role}-cmd`));
  const listed = flags[`${role}s`];
  const builtIn = listed === undefined && external.length > 0 ? [] : pickList<DriverPeerName>(listed, all, `--${role}s`, fallback);
  const sources = [...builtIn, ...external];
  const names = sources.map(driverName);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) throw usageError(`--${role}-cmd: the name ${JSON.stringify(twice[0])} is taken; name each driver differently (NAME=COMMAND)`);
  return sources;
}

/**
 * A server peer named on the command line: a record name, or a build of another release as
 * NAME@VERSION or NAME@RELEASE (`gearmand@1.1.21`, `gearmand@trixie`; `gearmand@1.1.20` is
 * `gearmand`). `allowed` is what the command can start.
 */
export function serverPeerArg<T extends string>(value: string, allowed: readonly T[], flag = '--peer'): T {
  const name = canonicalPeerName(value);
  if (!(allowed as readonly string[]).includes(name))
    throw usageError(`${flag}: unknown server ${JSON.stringify(value)}; one of ${allowed.join(', ')} (another release's build also as NAME@RELEASE, e.g. gearmand@trixie)`);
  return name as T;
}

/** A whole number of at least `min`, or a usage error naming the flag. */
export function wholeNumber(value: unknown, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw usageError(`--${flag} needs a whole number of at least ${min}, got ${String(value)}`);
  return n;
}
