// argv -> flags without loading meow (a fifth of a headless run's start-up): only for a plain
// command line, and then exactly what parse.ts gives (test/config/quick-flags.test.ts holds
// the two together). Anything else (help, a stray word, an unknown or repeated flag, `--no-x`,
// `-m5`, a value that starts with `-`) is left to parse.ts, which says what is wrong; the
// version is read here as meow reads it.
import {readFileSync} from 'node:fs';
import type {AnyFlags} from 'meow';
import {flagLabel, type Command, type FlagsOf} from './flags.js';

/** What meow names its process: package.json's first `bin`. */
const processTitle = 'sms-dash';

/** The flags of a plain `argv` as parse.ts gives them, or undefined to leave argv to it. */
export function quickFlags<F extends AnyFlags>(command: Command<F>, argv: readonly string[]): FlagsOf<F> | undefined {
	const byName = new Map<string, string>();
	for (const [key, definition] of Object.entries(command.flags)) {
		byName.set(flagLabel(key), key);
		if (definition.shortFlag !== undefined) byName.set(`-${definition.shortFlag}`, key);
	}

	const flags: Record<string, unknown> = {};
	for (let i = 0; i < argv.length; i++) {
		const token = argv[i]!;
		const equals = token.startsWith('--') ? token.indexOf('=') : -1;
		const key = byName.get(equals < 0 ? token : token.slice(0, equals));
		if (key === undefined) return undefined;
		const definition = command.flags[key]!;
		let value: string | boolean;
		if (definition.type === 'boolean') {
			if (equals >= 0) return undefined;
			value = true;
		} else if (equals >= 0) {
			value = token.slice(equals + 1);
		} else {
			const next = argv[++i];
			if (next === undefined || next.startsWith('-')) return undefined;
			value = next;
		}

		// yargs-parser takes quotes off a value, and makes more of an empty one.
		if (typeof value === 'string' && (value === '' || /^["']|["']$/.test(value))) return undefined;

		if (definition.isMultiple === true) {
			((flags[key] ??= []) as unknown[]).push(value);
		} else if (Object.hasOwn(flags, key)) {
			return undefined;
		} else {
			flags[key] = value;
		}
	}

	// As meow does: a repeatable flag not given is an empty list, after the ones given.
	for (const [key, definition] of Object.entries(command.flags)) {
		if (definition.isMultiple === true && !Object.hasOwn(flags, key)) flags[key] = [];
	}

	process.title = processTitle;
	return flags as FlagsOf<F>;
}

/**
 * `--help`, `-h`, `--version` or `-v` anywhere before `--`: they win over everything else
 * on the line (`-m 3 --help` prints the help and runs nothing).
 */
export function askedFor(argv: readonly string[]): 'help' | 'version' | undefined {
	let asked: 'help' | 'version' | undefined;
	for (const token of argv) {
		if (token === '--') break;
		if (token === '--help' || token === '-h') return 'help';
		if (token === '--version' || token === '-v') asked = 'version';
	}

	return asked;
}

/**
 * What `--version` prints when it is asked for (and not --help), as meow gives it, without
 * loading meow and the package readers it loads (most of what `--version` cost): the version
 * in the first package.json found going up from `from` (dist/ or source/config/: sms-dash's).
 */
export function quickVersion(argv: readonly string[], from: string | URL = import.meta.url): string | undefined {
	if (askedFor(argv) !== 'version') return undefined;
	process.title = processTitle;
	for (let dir = new URL('.', from); ; dir = new URL('..', dir)) {
		let text;
		try {
			text = readFileSync(new URL('package.json', dir), 'utf8');
		} catch {
			if (new URL('..', dir).href === dir.href) return '\n';
			continue;
		}

		return `${(JSON.parse(text) as {version?: string}).version ?? ''}\n`;
	}
}
