// Files -> values with positions: YAML (and JSON, which is YAML) read into a document whose
// nodes locate a refused value as file:line:col, a --report read fast with JSON.parse, and
// a read failure said in words. What the values must be is the readers' business.
import {createRequire} from 'node:module';
import type * as Yaml from 'yaml';
import {ConfigError, hideSecrets, keyLabel} from './error.js';
import {fail, type Origin, type RawEntry} from './rules.js';

/** How a file is read: its text, or a throw with a Node `code` such as ENOENT or EISDIR. */
export type ReadFile = (path: string) => string;

export type Path = ReadonlyArray<string | number>;

export interface SourceFile {
	name: string;
	doc: Yaml.Document;
	lines: Yaml.LineCounter;
	value: unknown;
}

// yaml takes ~35 ms to load, a third of a headless start-up: only runs given a file pay for it.
// Its Node entry is CommonJS, so require keeps resolveSettings synchronous.
let yamlModule: typeof Yaml | undefined;
const loadYaml = () => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

/** A file's text without its byte-order mark, or one line naming `flag` and why it cannot be read. */
export function readText(path: string, flag: string, readFile: ReadFile): string {
	if (path.trim() === '') {
		fail({label: flag}, 'needs a file name');
	}

	try {
		// A byte-order mark is not part of the text (editors on Windows write one).
		return readFile(path).replace(/^\uFEFF/, '');
	} catch (error) {
		fail({label: flag}, `cannot read ${JSON.stringify(path)}: ${readFailure(error)}`);
	}
}

export function readSource(path: string, flag: string, readFile: ReadFile): SourceFile {
	const text = readText(path, flag, readFile);
	const {LineCounter, parseDocument} = loadYaml();
	const lines = new LineCounter();
	const doc = tooDeep(path, () => parseDocument(text, {lineCounter: lines, prettyErrors: true}));
	const [syntaxError] = doc.errors;
	if (syntaxError?.code === 'MULTIPLE_DOCS') {
		const position = syntaxError.linePos?.[0];
		throw new ConfigError(`${position === undefined ? path : `${path}:${position.line}:${position.col}`}: holds more than one YAML document (a "---" line): give one`);
	}

	if (syntaxError?.message.includes('Maximum call stack') === true) {
		throw new ConfigError(`${path}: nested too deeply to be a settings file`);
	}

	if (syntaxError !== undefined) {
		const position = syntaxError.linePos?.[0];
		const where = position === undefined ? path : `${path}:${position.line}:${position.col}`;
		const reason = hideSecrets(syntaxError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
		throw new ConfigError(`${where}: not valid YAML or JSON: ${reason}`);
	}

	// A tag YAML does not know (`!foo 5`) would be dropped and its value read as text: refused.
	const unknownTag = doc.warnings.find(warning => warning.code === 'TAG_RESOLVE_FAILED');
	if (unknownTag !== undefined) {
		const position = unknownTag.linePos?.[0];
		const tag = /Unresolved tag: (\S+)/.exec(unknownTag.message)?.[1] ?? 'a tag';
		throw new ConfigError(`${position === undefined ? path : `${path}:${position.line}:${position.col}`}: ${hideSecrets(tag)} is not a YAML tag sms-dash reads: remove it`);
	}

	if (doc.contents === null) {
		fail({label: flag}, `${JSON.stringify(path)} is empty`);
	}

	let value: unknown;
	try {
		value = tooDeep(path, () => doc.toJS({maxAliasCount: 1000}));
	} catch (error) {
		if (error instanceof ConfigError) throw error;
		throw new ConfigError(`${path}: ${hideSecrets(error instanceof Error ? error.message : String(error))}`);
	}

	return {name: path, doc, lines, value};
}

/** `read()`, or one line when the file nests so deep that reading it overflows the stack. */
function tooDeep<T>(path: string, read: () => T): T {
	try {
		return read();
	} catch (error) {
		if (error instanceof RangeError) throw new ConfigError(`${path}: nested too deeply to be a settings file`);
		throw error;
	}
}

/** "line:col" of the first syntax error the YAML parser finds, if it finds one. */
function yamlErrorPosition(text: string): string | undefined {
	const {LineCounter, parseDocument} = loadYaml();
	const lines = new LineCounter();
	const position = tooDeep('', () => parseDocument(text, {lineCounter: lines})).errors[0]?.linePos?.[0];
	return position === undefined ? undefined : `${position.line}:${position.col}`;
}

/**
 * A JSON file (a --report), read with JSON.parse: a report lists every sender and change,
 * and yaml's document model is slow on large ones. The document, which only locates a
 * node for a message, is parsed when a message needs it.
 */
export function readJsonSource(path: string, flag: string, readFile: ReadFile): SourceFile {
	const text = readText(path, flag, readFile);
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		if (error instanceof RangeError) throw new ConfigError(`${path}: nested too deeply to be a report`);
		const message = error instanceof Error ? error.message : String(error);
		// V8: "Unexpected token '}', "{"a": }" is not valid JSON" or "... in JSON at position 6".
		const position = /at position (\d+)/.exec(message)?.[1];
		// Node 22's V8 adds " (line 2 column 30)" after the position: the file:line:col says it.
		const reason = message
			.split(/, "|, \.\.\./)[0]!
			.replace(/ (?:in JSON )?at position \d+(?: \(line \d+ column \d+\))?/, '')
			.replaceAll('\n', ' ');
		const shownReason = hideSecrets(reason);
		// Node 20's V8 gives no position for some errors: the YAML parser (JSON is YAML) finds it.
		const at = position === undefined ? yamlErrorPosition(text) : lineColumn(text, Number(position));
		const where = at === undefined ? path : `${path}:${at}`;
		fail({label: flag}, `${JSON.stringify(path)} is not JSON (${where}: ${shownReason})`);
	}

	let parsed: Pick<SourceFile, 'doc' | 'lines'> | undefined;
	const parse = () => {
		if (parsed === undefined) {
			const {LineCounter, parseDocument} = loadYaml();
			const lines = new LineCounter();
			parsed = {doc: parseDocument(text, {lineCounter: lines}), lines};
		}

		return parsed;
	};

	return {
		name: path,
		value,
		get doc() {
			return parse().doc;
		},
		get lines() {
			return parse().lines;
		},
	};
}

function lineColumn(text: string, offset: number): string {
	const before = text.slice(0, offset).split('\n');
	return `${before.length}:${before.at(-1)!.length + 1}`;
}

function readFailure(error: unknown): string {
	const code = (error as {code?: unknown} | undefined)?.code;
	switch (code) {
		case 'ENOENT': {
			return 'no such file';
		}

		case 'EISDIR': {
			return 'it is a directory';
		}

		case 'EACCES':
		case 'EPERM': {
			return 'permission denied';
		}

		default: {
			return error instanceof Error ? error.message.split('\n')[0]! : String(error);
		}
	}
}

function pathLabel(path: Path): string {
	if (path.length === 0) {
		return 'the file';
	}

	return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? keyLabel(part) : `.${keyLabel(part)}`)).join('');
}

/** The origin of the node at `path` (its key with part 'key'), located only when a message needs it. */
export function originAt(file: SourceFile, path: Path, part: 'key' | 'value' = 'value'): Origin {
	return {
		label: pathLabel(path),
		locate() {
			const offset = offsetAt(file, path, part);
			const position = offset === undefined ? undefined : file.lines.linePos(offset);
			return position === undefined ? file.name : `${file.name}:${position.line}:${position.col}`;
		},
	};
}

function offsetAt(file: SourceFile, path: Path, part: 'key' | 'value'): number | undefined {
	const {isAlias, isMap, isScalar, isSeq} = loadYaml();
	let node: unknown = file.doc.contents;
	let keyNode: unknown;
	let lastFound: unknown = node;
	for (const segment of path) {
		if (isAlias(node)) {
			node = node.resolve(file.doc);
		}

		keyNode = undefined;
		if (isMap(node)) {
			const pair = node.items.find(item => isScalar(item.key) && String(item.key.value) === String(segment));
			keyNode = pair?.key;
			node = pair?.value;
		} else if (isSeq(node) && typeof segment === 'number') {
			node = node.items[segment];
		} else {
			node = undefined;
		}

		if (node === undefined || node === null || (isScalar(node) && node.range?.[0] === node.range?.[1])) {
			// A key with no value (`mean:`) has no value node: point at its key.
			node = undefined;
			lastFound = keyNode ?? lastFound;
			break;
		}

		lastFound = node;
	}

	const target = part === 'key' && keyNode !== undefined ? keyNode : (node ?? lastFound);
	return (target as {range?: readonly number[]} | undefined)?.range?.[0];
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fileEntries(file: SourceFile, path: Path, map: Record<string, unknown>): RawEntry[] {
	return Object.entries(map).map(([key, value]) => ({
		key,
		value,
		keyOrigin: originAt(file, [...path, key], 'key'),
		valueOrigin: originAt(file, [...path, key]),
	}));
}
