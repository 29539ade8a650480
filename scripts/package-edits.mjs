// Edits to a few files of Ink 6, meow, Yoga and Ink's text helpers, and the string-width
// Ink's text helpers get, made as the build bundles them (scripts/build.mjs) and as vitest
// loads them (vitest.config.ts), so the tests run what users get. Checked by
// test/build/package-edits.test.ts. Each edit names the exact text it replaces: a package
// that no longer has it fails the build and the tests.
import {fileURLToPath} from 'node:url';

/**
 * Ink 6 keeps every text it has measured or wrapped in module-level caches that are never
 * emptied (fixed upstream in Ink 7, which needs Node 22: vadimdemedes/ink#986). The
 * dashboard's figures change every frame, so a long run would grow by about 300 entries a
 * second. These edits empty each cache when it reaches `inkCacheLimit` entries (a frame
 * needs a few dozen) and, as upstream did in #998, keep a text from colliding with
 * another text and width in the wrap cache's key.
 */
export const inkCacheLimit = 10_000;
/**
 * Ink 6's Output.get() builds each frame cell by cell, which was the whole of what the
 * dashboard cost over headless; the edit asks source/ui/fast-frame.ts first, and that
 * leaves Ink to do any frame it cannot do the same.
 */
const fastFrame = fileURLToPath(new URL('../source/ui/fast-frame.ts', import.meta.url));

/** By file under node_modules: [the text as the package has it, what it becomes]. */
const edits = {
	'ink/build/measure-text.js': [['cache.set(text, dimensions);', `if (cache.size >= ${inkCacheLimit}) cache.clear();\n    cache.set(text, dimensions);`]],
	'ink/build/wrap-text.js': [
		['const cache = {};', 'const cache = new Map();'],
		['const cacheKey = text + String(maxWidth) + String(wrapType);', "const cacheKey = String(maxWidth) + '\\0' + String(wrapType) + '\\0' + text;"],
		['const cachedText = cache[cacheKey];', 'const cachedText = cache.get(cacheKey);'],
		['cache[cacheKey] = wrappedText;', `if (cache.size >= ${inkCacheLimit}) cache.clear();\n    cache.set(cacheKey, wrappedText);`],
	],
	'ink/build/output.js': [
		["import sliceAnsi from 'slice-ansi';", `import {fastFrame} from ${JSON.stringify(fastFrame)};\nimport sliceAnsi from 'slice-ansi';`],
		[
			// Ink's own get() stays, as inkGet(): tests hold the quick frame to it.
			'    get() {\n',
			'    get() {\n        const fast = fastFrame(this.width, this.height, this.operations);\n        return fast === undefined ? this.inkGet() : {output: fast, height: this.height};\n    }\n    inkGet() {\n',
		],
	],
	/**
	 * meow 14 bundles its dependencies into one file that, as it loads, builds
	 * normalize-package-data (with its SPDX licence tables, sorted by locale) and Babel's
	 * code frame, which meow uses only for `cli.pkg` and for a broken package.json. That
	 * was about 16 of the 33 ms meow takes to load, in every run. The edits build each on
	 * first use instead.
	 */
	'meow/build/dependencies.js': [
		['var libExports = requireLib$1();\n', ''],
		['return libExports.codeFrameColumns(', 'return requireLib$1().codeFrameColumns('],
		[
			'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
			'const normalizePackageData = (...parameters) => getDefaultExportFromCjs(requireNormalize())(...parameters);',
		],
	],
	/**
	 * string-width, slice-ansi and ansi-tokenize each build an Intl.Segmenter as they load
	 * (the first one made reads ICU's break rules), and string-width a regex of every RGI
	 * emoji: together about 15 ms, a tenth of loading the dashboard's chunk, for strings
	 * the quick paths (source/ui/string-width.ts, fast-frame.ts) leave to them, which most
	 * runs never have. The edits build each on first use instead.
	 */
	'string-width/index.js': [
		['const segmenter = new Intl.Segmenter();', `let graphemes;\nconst segmenter = {segment: text => (graphemes ??= new Intl.Segmenter()).segment(text)};`],
		['const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;', 'let rgiEmoji;\nconst rgiEmojiRegex = {test: text => (rgiEmoji ??= /^\\p{RGI_Emoji}$/v).test(text)};'],
	],
	'slice-ansi/tokenize-ansi.js': [
		[
			"const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, {granularity: 'grapheme'});",
			"let graphemes;\nconst GRAPHEME_SEGMENTER = {segment: text => (graphemes ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'})).segment(text)};",
		],
	],
	'@alcalzone/ansi-tokenize/build/tokenize.js': [
		[
			'const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });',
			'let graphemes;\nconst segmenter = { segment: (text) => (graphemes ??= new Intl.Segmenter(undefined, { granularity: "grapheme" })).segment(text) };',
		],
	],
	/**
	 * Yoga (Ink's layout) carries its WebAssembly as base64 and decodes it with atob and a
	 * loop of charCodeAt, which on Node 20 took about 7 ms of loading the dashboard's
	 * chunk; Buffer decodes the same bytes natively.
	 */
	'yoga-layout/dist/binaries/yoga-wasm-base64-esm.js': [
		[
			'var b=xa(a.slice(37)),c=new Uint8Array(b.length);for(a=0;a<b.length;++a)c[a]=b.charCodeAt(a);var d=c',
			'var d=new Uint8Array(Buffer.from(a.slice(37),"base64"))',
		],
	],
};

/**
 * Ink and its text helpers measure every line of every frame: they get the string-width
 * with a fast path for the dashboard's glyphs, which itself falls back to the package.
 */
export const fastStringWidth = fileURLToPath(new URL('../source/ui/string-width.ts', import.meta.url));

/** What an import of string-width from `importer` loads instead: the fast one, for a package's import. */
export function stringWidthFor(importer) {
	return /[\\/]node_modules[\\/]/.test(importer) ? fastStringWidth : undefined;
}

/**
 * The packages whose code the build changes: edited files, or string-width taken from the
 * fast path (test/build/package-edits.test.ts checks the bundle has no other). Vitest
 * loads these itself instead of leaving them to Node, so it can change them too.
 */
export const changedPackages = ['ink', 'meow', 'string-width', 'slice-ansi', '@alcalzone/ansi-tokenize', 'yoga-layout', 'wrap-ansi', 'widest-line', 'cli-truncate'];

/** The files edited, as esbuild's onLoad filter. */
export const editedFiles = /[\\/]node_modules[\\/](?:ink[\\/]build[\\/](?:measure-text|wrap-text|output)|meow[\\/]build[\\/]dependencies|string-width[\\/]index|slice-ansi[\\/]tokenize-ansi|@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize|yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm)\.js$/;

/** The key of `path` in the edits: its path under the last node_modules, with forward slashes. */
export function packageFileOf(path) {
	return path.split(/[\\/]node_modules[\\/]/).at(-1).replaceAll('\\', '/');
}

/** `contents` of node_modules/`file` with its edits made; throws when the package no longer matches. */
export function editPackageSource(file, contents) {
	let edited = contents;
	for (const [from, to] of edits[file] ?? []) {
		// A changed package must fail the build, not ship without the edit.
		if (!edited.includes(from)) throw new Error(`${file} no longer has ${JSON.stringify(from)}: check whether the edit is still needed, and redo it`);
		edited = edited.replace(from, to);
	}

	return edited;
}
