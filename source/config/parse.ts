// argv -> flags for every command, with meow (loaded only when this module is): the help and
// the version, and refusals of what meow would get wrong or throw. quick-flags.ts gives the
// same flags without meow for a plain command line, and leaves everything else to this.
import meow, {type AnyFlags} from 'meow';
import {suggest} from '../thresholds.js';
import {ConfigError, escapeText, quote} from './error.js';
import {flagLabel, TextRequest, type Command, type FlagsOf} from './flags.js';
import {askedFor} from './quick-flags.js';

export {askedFor} from './quick-flags.js';

/**
 * What meow would get silently wrong, as one line, or undefined: a boolean flag given a
 * value (`--json=3` reads as false) and a negative value after a valued flag (`--mean
 * -5ms` reads as the short flags -5, -m, -s).
 */
export function argvProblem(argv: readonly string[], definitions: AnyFlags): string | undefined {
	const byName = new Map<string, {type: string; name: string}>();
	for (const [key, definition] of Object.entries(definitions)) {
		const name = flagLabel(key);
		byName.set(name, {type: definition.type ?? 'string', name});
		if (definition.shortFlag !== undefined) byName.set(`-${definition.shortFlag}`, {type: definition.type ?? 'string', name});
	}

	for (let i = 0; i < argv.length; i++) {
		const token = argv[i]!;
		if (token === '--') break;
		const [flag, value] = token.split(/=(.*)/s, 2) as [string, string | undefined];
		const definition = byName.get(flag);
		if (definition === undefined) continue;
		if (definition.type === 'boolean' && value !== undefined) return `${definition.name} takes no value, got "${value}"`;
		const next = argv[i + 1];
		if (definition.type === 'string' && value === undefined && next !== undefined && /^-\.?\d/.test(next)) {
			return `${definition.name} must not be negative, got "${next}"`;
		}
	}

	return undefined;
}

/**
 * argv (the words after the command's name) -> meow's flags, refusing what meow would get
 * wrong or throw (a repeated flag, `--mean -5ms`, `--json=3`, a stray word) as a ConfigError.
 * `booleanDefault: undefined` keeps an absent boolean flag undefined, so a config file's
 * `headless: true` is not overridden by a default false. Unknown flags are let through so
 * that the command can refuse them in its own words (the main command with a "did you mean").
 */
export function parseCommandLine<F extends AnyFlags>(
	command: Command<F>,
	argv: readonly string[],
	importMeta: ImportMeta,
): FlagsOf<F> {
	const asked = askedFor(argv);
	if (asked !== undefined) {
		// Anywhere on the line, before anything else is checked: print and do nothing else.
		const shown = meow({
			help: command.help,
			...(command.hasOwnDescription === true ? {description: false} : {}),
			flags: {},
			autoHelp: false,
			autoVersion: false,
			argv: [],
			importMeta,
		});
		throw new TextRequest(asked === 'help' ? `${shown.help.replace(/\n+$/, '')}\n` : `${shown.pkg.version ?? ''}\n`);
	}

	const problem = argvProblem(argv, command.flags);
	if (problem !== undefined) throw new ConfigError(problem);
	let cli;
	try {
		cli = meow({
			help: command.help,
			...(command.hasOwnDescription === true ? {description: false} : {}),
			flags: command.flags,
			allowUnknownFlags: true,
			booleanDefault: undefined,
			autoHelp: false,
			autoVersion: false,
			argv: [...argv],
			importMeta,
		});
	} catch (error) {
		// meow's own refusals ("The flag --seed can only be set once.") are bad input too.
		if (!(error instanceof Error) || !/^The flag /.test(error.message)) throw error;
		// meow names the flag by its key (--failureRate): say it as it is typed.
		throw new ConfigError(error.message.replace(/^The flag /, '').replace(/\.$/, '').replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`));
	}

	const [word] = cli.input;
	if (word === '-') {
		const before = argv[argv.indexOf('-') - 1];
		throw new ConfigError(`${before?.startsWith('-') ? `${escapeText(before)} ` : ''}-: stdout is not a file here; give a file name`);
	}

	if (word !== undefined) {
		throw new ConfigError(
			command.name === undefined
				? `unknown command ${quote(word)} (${word === 'size' || word === 'worker' || word === 'smsc' ? `give it first: sms-dash ${word} …` : commandHint(word)})`
				: `${command.name} takes no argument ${quote(word)} (see sms-dash ${command.name} --help)`,
		);
	}

	return cli.flags as FlagsOf<F>;
}

/** A stray word where the main command takes none: a "did you mean" for a misspelt command. */
function commandHint(word: string): string {
	const guess = suggest(word, ['size', 'worker', 'smsc']);
	return guess === undefined ? 'see sms-dash --help' : `did you mean ${guess}?`;
}
