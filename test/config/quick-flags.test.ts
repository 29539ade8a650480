// The quick parser is meow, without loading it: on any command line it either leaves the
// line to meow (undefined) or gives exactly meow's flags, keys in meow's order; and the
// command lines people type take it.
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {flagLabel, mainCommand, type Command} from '../../source/config/flags.js';
import {parseCommandLine} from '../../source/config/parse.js';
import {quickFlags, quickVersion} from '../../source/config/quick-flags.js';
import {TextRequest} from '../../source/config/flags.js';
import {sizeCommand} from '../../source/size/cli.js';
import type {AnyFlags} from 'meow';

/** meow's flags, or the line it (or parse.ts) refuses. */
function meowFlags(command: Command<AnyFlags>, argv: string[]): string {
	try {
		return JSON.stringify(Object.entries(parseCommandLine(command, argv, import.meta)));
	} catch (error) {
		return `refused: ${(error as Error).message}`;
	}
}

function tokensOf(command: Command<AnyFlags>): fc.Arbitrary<string[]> {
	const names = Object.entries(command.flags).flatMap(([key, definition]) => [
		flagLabel(key),
		...(definition.shortFlag === undefined ? [] : [`-${definition.shortFlag}`]),
	]);
	const flag = fc.oneof(
		{weight: 6, arbitrary: fc.constantFrom(...names)},
		fc.constantFrom('--no-headless', '--failureRate', '--messages.x', '--frobnicate', '-x', '--', '-', '--help', '-v', '-ms', '-m5', 'size'),
	);
	const value = fc.oneof(
		fc.constantFrom('100', '0.1', '1e5', '00012', '-5', '-.5', '', ' ', 'max', 'true', 'false', '"quoted"', "'single'", 'a=b', 'mean=50ms,count=3', '@file', 'p95<250ms', '--', '-x', 'x y', 'ünï', 'null', 'NaN', '0x10'),
		fc.string({maxLength: 6}),
	);
	const token = fc.oneof(
		{weight: 3, arbitrary: fc.tuple(flag, value).map(([name, text]) => [name, text])},
		fc.tuple(flag, value).map(([name, text]) => [`${name}=${text}`]),
		flag.map(name => [name]),
	);
	return fc.array(token, {maxLength: 6}).map(tokens => tokens.flat());
}

describe('quickFlags', () => {
	for (const command of [mainCommand, sizeCommand] as Array<Command<AnyFlags>>) {
		test(`${command.name ?? 'sms-dash'}: the same flags as meow, or the line left to meow`, () => {
			let taken = 0;
			fc.assert(
				fc.property(tokensOf(command), argv => {
					const quick = quickFlags(command, argv);
					if (quick === undefined) return;
					taken++;
					expect(JSON.stringify(Object.entries(quick))).toBe(meowFlags(command, argv));
				}),
				{numRuns: 3000},
			);
			// The property must see the quick path often enough to mean something.
			expect(taken).toBeGreaterThan(300);
		});
	}

	test.each([
		[['--headless', '-m', '1']],
		[['--headless', '--json', '--speed', 'max', '--seed', '1', '-m', '1000000', '-s', '1000', '--mean', '100ms', '-f', '0.1']],
		[['-c', 'senders.yaml', '--sender', 'mean=50ms,failure-rate=0.2,count=3', '--sender', 'mean=5ms']],
		[['--replay=out.json', '--speed', '10', '--threshold', 'p95<250ms', '--threshold', 'failed<5%', '--exit-on-done']],
		[[]],
	])('%j takes the quick path, with meow\'s flags', argv => {
		const quick = quickFlags(mainCommand, argv);
		expect(quick).toBeDefined();
		expect(JSON.stringify(Object.entries(quick!))).toBe(meowFlags(mainCommand, argv));
	});

	test('names the process as meow does', () => {
		process.title = 'node';
		quickFlags(mainCommand, ['-m', '1']);
		expect(process.title).toBe('sms-dash');
	});
});

describe('quickVersion', () => {
	/** What parse.ts (meow) prints for argv: the text of its TextRequest, or undefined. */
	function meowText(argv: string[]): string | undefined {
		try {
			parseCommandLine(mainCommand, argv, import.meta);
		} catch (error) {
			if (error instanceof TextRequest) return error.text;
		}

		return undefined;
	}

	test.each([[['--version']], [['-v']], [['-m', '3', '-v', '--bogus']], [['size', '--version']]])('%j: meow\'s version, without meow', argv => {
		const text = quickVersion(argv);
		expect(text).toMatch(/^\d+\.\d+\.\d+.*\n$/);
		expect(text).toBe(meowText(argv));
	});

	test.each([[['--version', '--help']], [['-h', '-v']], [['--', '--version']], [['-m', '1']]])('%j: not for it (help wins, or no version asked)', argv => {
		expect(quickVersion(argv)).toBeUndefined();
	});

	test('any command line: the same version meow gives, or left to it', () => {
		fc.assert(
			fc.property(tokensOf(mainCommand), argv => {
				const text = quickVersion(argv);
				if (text !== undefined) expect(text).toBe(meowText(argv));
			}),
		);
	});
});
