// The quick frame against Ink's own Output (its inkGet, which the edited get() falls back
// to: scripts/package-edits.mjs): wherever the quick way answers, every row must show the
// same cells (the same characters with the same styles, read by Ink's own tokenizer), and
// on the kind of frame the dashboard draws it must answer.
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {styledCharsFromTokens, tokenize} from '@alcalzone/ansi-tokenize';
import chalkDefault, {Chalk} from 'chalk';
import fc from 'fast-check';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {fastFrame, plainColumns, type OutputOperation} from '../../source/ui/fast-frame.js';
import {KEY, renderDash} from '../helpers/render-dash.js';

interface InkOutput {
	width: number;
	height: number;
	operations: OutputOperation[];
	write(x: number, y: number, text: string, options: {transformers: Array<(line: string, index: number) => string>}): void;
	clip(clip: {x1?: number; x2?: number; y1?: number; y2?: number}): void;
	unclip(): void;
	get(): {output: string; height: number};
	inkGet(): {output: string; height: number};
}
type OutputClass = new (size: {width: number; height: number}) => InkOutput;
// Ink's package exports only its index: load the file itself.
const {default: Output} = (await import(pathToFileURL(join('node_modules', 'ink', 'build', 'output.js')).href)) as {default: OutputClass};

const chalk = new Chalk({level: 3});

/**
 * The frame as the cells a terminal shows, row by row: each character with its sorted style
 * codes, and each row's newline with the styles it carries. Read as one text with a row of
 * its own after it, so a style left open shows in the rows after it, the last row's too.
 */
function cells(frame: string): string[] {
	const rows: string[][] = [[]];
	for (const cell of styledCharsFromTokens(tokenize(`${frame}\nend`))) {
		const styles = cell.styles.map(style => style.code).sort().join('');
		rows.at(-1)!.push(`${cell.value === '\n' ? 'newline' : cell.value}|${styles}`);
		if (cell.value === '\n') rows.push([]);
	}

	return rows.map(row => row.join(' '));
}

type Transform = (line: string, index: number) => string;
interface Frame {
	width: number;
	height: number;
	operations: OutputOperation[];
}

/** Ink's answer for the same frame. */
function inkFrame({width, height, operations}: Frame): string {
	const output = new Output({width, height});
	for (const operation of operations) {
		if (operation.type === 'write') output.write(operation.x, operation.y, operation.text, {transformers: [...operation.transformers]});
		else if (operation.type === 'clip') output.clip({x1: 0, x2: Math.floor(width / 2)});
		else output.unclip();
	}

	const {output: text, height: rows} = output.inkGet();
	expect(rows).toBe(height);
	return text;
}

const write = (x: number, y: number, text: string, transformers: Transform[] = []): OutputOperation => ({type: 'write', x, y, text, transformers});

const styles = [
	chalk.red,
	chalk.cyan,
	chalk.gray,
	chalk.bgBlue,
	chalk.bold,
	chalk.dim,
	chalk.italic,
	chalk.underline,
	chalk.inverse,
	chalk.strikethrough,
	chalk.bold.inverse,
	chalk.ansi256(208),
	chalk.hex('#40a0ff'),
	chalk.bgAnsi256(22),
	chalk.dim.bold.red,
];
/** Text the dashboard writes: ASCII, its glyphs, chalk's codes, nested. */
const plainText = fc.oneof(
	fc.string({unit: fc.constantFrom(...' abc-XYZ019.:%#/'), maxLength: 12}),
	fc.constantFrom('▁▂▃▄▅▆▇█', '░░░', '·', '…', '▶', '‖', '✓', '✗', '—', '│', 'é'),
);
const styledText: fc.Arbitrary<string> = fc.letrec<{text: string}>(tie => ({
	text: fc.oneof(
		{depthSize: 'small', withCrossShrink: true},
		plainText,
		fc.tuple(fc.constantFrom(...styles), tie('text')).map(([style, text]) => style(text)),
		fc.array(tie('text'), {maxLength: 4}).map(parts => parts.join('')),
	),
})).text;
/** Text the quick way must leave to Ink. */
const awkward = fc.constantFrom(
	'漢字', // wide
	'🙂', // emoji, astral
	'e\u0301', // a combining mark
	'\t',
	'\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007', // a hyperlink
	'\u001B[5mblink\u001B[25m', // a code chalk does not write
	'\u001B[0m',
	'\u001B[m',
	'\u001B[1m\u001B[02mleading zero\u001B[22m', // Ink's tokenizer reads 02 as another code
	'\u001B[038;5;1mleading zero\u001B[39m',
	'\u001B[38;05;1mleading zero\u001B[39m',
	'blank  \u001B[1m\u001B[22m', // unstyled spaces Ink trims, then codes that style nothing
	' \u001B[28m',
	'\u001B[2K',
	'\u009B31m',
	'\u00AD',
);
/** Compound codes, which chalk does not write (nor reopen a style they close). */
const compound = fc
	.tuple(fc.constantFrom(['1;31', '39;22'], ['31;44', '39;49'], ['2;4', '24;22']), styledText)
	.map(([[open, close], text]) => `\u001B[${open}m${text}\u001B[${close}m`);
/** A style opened and never closed: on screen it would run on into the next rows. */
const leftOpen = fc.tuple(fc.constantFrom('1', '2', '31', '44', '7', '38;5;208'), styledText).map(([code, text]) => `\u001B[${code}m${text}`);
const transforms: fc.Arbitrary<Transform[]> = fc.array(
	fc.constantFrom<Transform>(
		line => line,
		line => chalk.bold(line),
		(line, index) => (index % 2 === 0 ? chalk.inverse(line) : line),
	),
	{maxLength: 2},
);

const anyFrame: fc.Arbitrary<Frame> = fc
	.record({width: fc.integer({min: 1, max: 30}), height: fc.integer({min: 0, max: 6})})
	.chain(({width, height}) =>
		fc.record({
			width: fc.constant(width),
			height: fc.constant(height),
			operations: fc.array(
				fc.oneof(
					{weight: 8, arbitrary: fc
						.tuple(
							fc.integer({min: -1, max: width + 1}),
							fc.integer({min: -1, max: height + 1}),
							fc.array(
								fc.oneof({weight: 8, arbitrary: styledText}, {weight: 1, arbitrary: compound}, {weight: 1, arbitrary: awkward}, {weight: 1, arbitrary: leftOpen}),
								{minLength: 1, maxLength: 3},
							),
							transforms,
						)
						.map(([x, y, lines, transformers]) => write(x, y, lines.join('\n'), transformers))},
					{weight: 1, arbitrary: fc.constantFrom<OutputOperation>({type: 'clip'}, {type: 'unclip'})},
				),
				{maxLength: 6},
			),
		}),
	);

/** One line per row: the shape of every dashboard frame. */
const dashboardLikeFrame: fc.Arbitrary<Frame> = fc
	.record({width: fc.integer({min: 20, max: 120}), lines: fc.array(fc.tuple(fc.nat(8), styledText, transforms), {maxLength: 10})})
	.map(({width, lines}) => ({
		width,
		height: lines.length + 1,
		operations: lines
			.map(([x, text, transformers], y) => write(x, y, text, transformers)),
	}));

describe('plainColumns', () => {
	it('counts the columns of ASCII, drawn glyphs and chalk colours', () => {
		expect(plainColumns('')).toBe(0);
		expect(plainColumns('sent 1,234')).toBe(10);
		expect(plainColumns(chalk.cyan.bold('sms-dash') + ' ▶ ' + chalk.green('running'))).toBe(18);
		expect(plainColumns(chalk.inverse.bold(`› #1 ${chalk.cyan('▁▂▃█')}`))).toBe(9);
		expect(plainColumns(chalk.ansi256(208)('x') + chalk.hex('#123456').bgHex('#abcdef')('y'))).toBe(2);
		expect(plainColumns('\u001B[1;31mboth\u001B[39;22m')).toBe(4);
	});

	it('has no answer for wide or joining characters, other sequences, or a style left open', () => {
		for (const text of ['漢', '🙂', 'e\u0301', '\t', '\u007F', '\u001B]8;;u\u0007x', '\u001B[2K', '\u001B[m', '\u001B[0m', '\u001B[31m', '\u001B[38;5m', '\u001B[38;5;300m', '\u001B[1', '\u001B[4:3m']) {
			expect(plainColumns(`a${text}b`), JSON.stringify(text)).toBeUndefined();
		}
	});

	it('has no answer for numbers written with leading zeros, or unstyled spaces before closing codes', () => {
		for (const text of ['\u001B[01mA\u001B[22m', '\u001B[038;5;1mA\u001B[39m', '\u001B[38;05;1mA\u001B[39m', '\u001B[48;2;1;02;3mA\u001B[49m', 'A \u001B[1m\u001B[22m', 'A  \u001B[28m']) {
			expect(plainColumns(text), JSON.stringify(text)).toBeUndefined();
		}

		expect(plainColumns('\u001B[38;5;0mA\u001B[39m\u001B[48;2;0;0;0mB\u001B[49m')).toBe(2);
		// Styled spaces stay, in Ink too; unstyled ones at the very end are trimmed by both.
		expect(plainColumns(`A${chalk.inverse('  ')}`)).toBe(3);
		expect(plainColumns(`${chalk.red('A')}  `)).toBe(3);
	});
});

describe('fastFrame', () => {
	it('draws the same rows as Ink for a dashboard-like frame, with nothing left over', () => {
		const frame: Frame = {
			width: 24,
			height: 4,
			operations: [write(0, 0, chalk.bold('header') + ' · 12'), write(2, 1, `${chalk.gray('a')}\n${chalk.red('b')}`, [(line, index) => `${index}${line}`]), write(8, 2, chalk.green('right'))],
		};
		const fast = fastFrame(frame.width, frame.height, frame.operations);
		expect(fast).toBe(`${chalk.bold('header')} · 12\n  0${chalk.gray('a')}\n  1${chalk.red('b')}    ${chalk.green('right')}\n`);
		expect(cells(fast!)).toEqual(cells(inkFrame(frame)));
	});

	it('leaves clipping, overlapping lines, and writes above the frame or past its edge to Ink', () => {
		expect(fastFrame(10, 2, [{type: 'clip'}, write(0, 0, 'a'), {type: 'unclip'}])).toBeUndefined();
		expect(fastFrame(10, 2, [write(0, 0, 'abc'), write(2, 0, 'x')])).toBeUndefined();
		expect(fastFrame(10, 2, [write(11, 0, 'abc')])).toBeUndefined();
		// A line that runs on past the edge is written whole, as Ink writes it.
		expect(fastFrame(10, 2, [write(8, 0, 'abc')])).toBe('        abc\n');
		expect(fastFrame(10, 2, [write(0, -1, 'a\nb')])).toBeUndefined();
		expect(fastFrame(10, 2, [write(1.5, 0, 'a')])).toBeUndefined();
		// Lines below the frame are dropped, as Ink drops them.
		expect(fastFrame(10, 2, [write(0, 1, 'a\nb\nc')])).toBe('\na');
	});

	it('closes each style only with its own codes', () => {
		const opens = ['1', '2', '3', '4', '7', '8', '9', '31', '91', '44', '104', '38;5;208', '38;2;1;2;3', '48;5;22', '48;2;4;5;6'];
		const closes = ['22', '23', '24', '27', '28', '29', '39', '49'];
		for (const open of opens) {
			for (const close of closes) {
				// A style the code does not close runs on into the next row: only Ink can draw that.
				const frame: Frame = {width: 10, height: 2, operations: [write(0, 0, `\u001B[${open}mA\u001B[${close}mB`), write(0, 1, 'C')]};
				const fast = fastFrame(frame.width, frame.height, frame.operations);
				if (fast !== undefined) expect(cells(fast), `${open} then ${close}`).toEqual(cells(inkFrame(frame)));
			}
		}

		expect(fastFrame(10, 1, [write(0, 0, '\u001B[44mA\u001B[39mB\u001B[49m')])).toBe('\u001B[44mA\u001B[39mB\u001B[49m');
		expect(fastFrame(10, 1, [write(0, 0, '\u001B[44mA\u001B[39m')])).toBeUndefined();
		expect(fastFrame(10, 1, [write(0, 0, '\u001B[1m\u001B[2mA\u001B[22m')])).toBe('\u001B[1m\u001B[2mA\u001B[22m');
	});

	it('shows the same cells as Ink wherever it answers', () => {
		let answered = 0;
		fc.assert(
			fc.property(anyFrame, frame => {
				const fast = fastFrame(frame.width, frame.height, frame.operations);
				if (fast === undefined) return;
				answered++;
				expect(cells(fast)).toEqual(cells(inkFrame(frame)));
			}),
			{numRuns: 3000},
		);
		// Both sides of the comparison were exercised.
		expect(answered).toBeGreaterThan(300);
		expect(answered).toBeLessThan(2900);
	});

	it('answers for every frame shaped like the dashboard, with the same cells as Ink', () => {
		fc.assert(
			fc.property(dashboardLikeFrame, frame => {
				const fast = fastFrame(frame.width, frame.height, frame.operations);
				expect(fast).toBeDefined();
				expect(cells(fast!)).toEqual(cells(inkFrame(frame)));
			}),
			{numRuns: 1000},
		);
	});
});

describe("the dashboard's frames", () => {
	const {get} = Output.prototype;
	const {level} = chalkDefault;
	afterEach(() => {
		Output.prototype.get = get;
		chalkDefault.level = level;
		vi.useRealTimers();
	});

	it('all take the quick way, in colour, and show the cells Ink would', async () => {
		vi.useFakeTimers();
		// Tests pin colours off (test/setup.ts): here the codes are the point.
		chalkDefault.level = 3;
		const frames: Frame[] = [];
		Output.prototype.get = function (this: InkOutput) {
			frames.push({width: this.width, height: this.height, operations: [...this.operations]});
			return get.call(this);
		};

		const dash = await renderDash({start: true, senders: 40, columns: 100, rows: 30, thresholds: ['p95<250ms']});
		await dash.advance(1500);
		await dash.press('a', 'j', '+', KEY.pageDown, 'x', ' ', '?');
		await dash.press('?');
		await dash.resize(60, 12);
		dash.unmount();
		// Ink's own answers below must not be recorded as frames.
		Output.prototype.get = get;

		expect(frames.length).toBeGreaterThan(8);
		expect(frames.some(frame => frame.operations.some(operation => operation.type === 'write' && operation.text.includes('\u001B['))), 'frames in colour').toBe(true);
		for (const frame of frames) {
			const fast = fastFrame(frame.width, frame.height, frame.operations);
			expect(fast).toBeDefined();
			expect(cells(fast!)).toEqual(cells(inkFrame(frame)));
		}
	});
});
