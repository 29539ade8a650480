// A frame's text the quick way. The build (scripts/package-edits.mjs) makes Ink 6's
// Output.get() ask this first. Ink turns every cell of the screen into an object,
// tokenizes every line into styled characters and writes each row back out, diffing
// the styles of neighbouring cells: on a 100×30 dashboard that per-character work (and
// V8 compiling it) was the whole of what the dashboard costs over headless (see README,
// Benchmarks). When every line is plain, one-column text with colour and style codes
// that it closes again, and no two lines overlap, a row is just its lines side by side,
// and the terminal shows the same cells. Anything else (clipping, overlaps, wide or
// joining characters, other escape sequences, a style left open) returns undefined and
// Ink does it its own way. test/ui/fast-frame.test.ts holds both to the same cells.
import {isStandaloneNarrow} from './string-width.js';

type Transformer = (line: string, index: number) => string;

/** What Ink's Output records between frames (ink/build/output.js). */
export type OutputOperation =
	| {type: 'write'; x: number; y: number; text: string; transformers: readonly Transformer[]}
	| {type: 'clip' | 'unclip'};

interface Piece {
	x: number;
	end: number;
	text: string;
}

/** `height` rows joined by newlines, each trimmed at the end as Ink does; undefined when Ink must draw it. */
export function fastFrame(width: number, height: number, operations: readonly OutputOperation[]): string | undefined {
	const rows: Array<Piece[] | undefined> = [];
	for (const operation of operations) {
		if (operation.type !== 'write') return undefined;
		const {x, y, text, transformers} = operation;
		// Ink drops every line of a write that starts above the frame, and closes up the gap
		// before one that starts past its right edge: leave those to it. A line may run on
		// past the edge (a frame drawn for the old width just after a resize), as in Ink.
		if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x > width) return undefined;
		const lines = text.split('\n');
		for (let index = 0; index < lines.length && y + index < height; index++) {
			let line = lines[index]!;
			for (const transform of transformers) line = transform(line, index);
			const columns = plainColumns(line);
			if (columns === undefined) return undefined;
			if (columns > 0) (rows[y + index] ??= []).push({x, end: x + columns, text: line});
		}
	}

	const out: string[] = [];
	for (let y = 0; y < height; y++) {
		const pieces = rows[y];
		if (pieces === undefined) {
			out.push('');
			continue;
		}

		pieces.sort((a, b) => a.x - b.x);
		let row = '';
		let column = 0;
		for (const piece of pieces) {
			// Overlapping lines: which cell wins is Ink's business.
			if (piece.x < column) return undefined;
			row += ' '.repeat(piece.x - column) + piece.text;
			column = piece.end;
		}

		out.push(row.trimEnd());
	}

	return out.join('\n');
}

// Open styles, one bit each; a line must close all it opens.
const foreground = 1;
const background = 2;
const bold = 4;
const dim = 8;
const italic = 16;
const underline = 32;
const inverse = 64;
const hidden = 128;
const strikethrough = 256;

/** SGR codes chalk writes: the bit each one opens, or (negative) the bits it closes. */
const styleBits = new Map<number, number>([
	[1, bold],
	[2, dim],
	[3, italic],
	[4, underline],
	[7, inverse],
	[8, hidden],
	[9, strikethrough],
	[22, -(bold | dim)],
	[23, -italic],
	[24, -underline],
	[27, -inverse],
	[28, -hidden],
	[29, -strikethrough],
	[39, -foreground],
	[49, -background],
]);
for (let code = 30; code <= 37; code++) styleBits.set(code, foreground).set(code + 60, foreground);
for (let code = 40; code <= 47; code++) styleBits.set(code, background).set(code + 60, background);

/**
 * Columns `line` takes when it is made only of printable ASCII, one-column characters that
 * never join a neighbour, and chalk's colour and style codes, every style closed by the
 * end and no unstyled space left before closing codes; otherwise undefined.
 */
export function plainColumns(line: string): number | undefined {
	let columns = 0;
	let open = 0;
	// Unstyled spaces with only codes after them: Ink trims them off the row's end, so
	// leave such a line to it.
	let isBlankAtEnd = false;
	let hasCodeAfterBlank = false;
	for (let index = 0; index < line.length; index++) {
		const code = line.charCodeAt(index);
		if (code === 0x1b) {
			if (line.charCodeAt(index + 1) !== 0x5b) return undefined;
			const end = line.indexOf('m', index + 2);
			if (end === -1) return undefined;
			const styled = applyStyleCodes(open, line.slice(index + 2, end));
			if (styled === undefined) return undefined;
			open = styled;
			index = end;
			hasCodeAfterBlank = isBlankAtEnd;
		} else if ((code >= 0x20 && code <= 0x7e) || (code > 0x7e && isStandaloneNarrow(code))) {
			columns++;
			isBlankAtEnd = code === 0x20 && open === 0;
			hasCodeAfterBlank = false;
		} else {
			return undefined;
		}
	}

	return open === 0 && !(isBlankAtEnd && hasCodeAfterBlank) ? columns : undefined;
}

/** `open` after the parameters of one SGR sequence ("1", "38;5;208", "1;31"), or undefined for one chalk does not write. */
function applyStyleCodes(open: number, parameters: string): number | undefined {
	// Numbers as chalk writes them: Ink's tokenizer reads "01" or "038" as other codes.
	if (!/^(?:0|[1-9]\d*)(?:;(?:0|[1-9]\d*))*$/.test(parameters)) return undefined;
	const codes = parameters.split(';').map(Number);
	for (let index = 0; index < codes.length; index++) {
		const code = codes[index]!;
		if (code === 38 || code === 48) {
			// 256 colours (5;n) and true colour (2;r;g;b).
			const kind = codes[index + 1];
			const size = kind === 5 ? 1 : kind === 2 ? 3 : 0;
			const values = codes.slice(index + 2, index + 2 + size);
			if (size === 0 || values.length < size || values.some(value => value > 255)) return undefined;
			open |= code === 38 ? foreground : background;
			index += 1 + size;
			continue;
		}

		const bits = styleBits.get(code);
		if (bits === undefined) return undefined;
		open = bits > 0 ? open | bits : open & ~-bits;
	}

	return open;
}
