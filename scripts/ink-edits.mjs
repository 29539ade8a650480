// Edits to three of Ink 6's own files, made as the build bundles them (scripts/build.mjs)
// and checked by test/build/ink-edits.test.ts.
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
const edits = {
	'measure-text.js': [['cache.set(text, dimensions);', `if (cache.size >= ${inkCacheLimit}) cache.clear();\n    cache.set(text, dimensions);`]],
	'wrap-text.js': [
		['const cache = {};', 'const cache = new Map();'],
		['const cacheKey = text + String(maxWidth) + String(wrapType);', "const cacheKey = String(maxWidth) + '\\0' + String(wrapType) + '\\0' + text;"],
		['const cachedText = cache[cacheKey];', 'const cachedText = cache.get(cacheKey);'],
		['cache[cacheKey] = wrappedText;', `if (cache.size >= ${inkCacheLimit}) cache.clear();\n    cache.set(cacheKey, wrappedText);`],
	],
	'output.js': [
		["import sliceAnsi from 'slice-ansi';", `import {fastFrame} from ${JSON.stringify(fastFrame)};\nimport sliceAnsi from 'slice-ansi';`],
		[
			'    get() {\n',
			'    get() {\n        const fast = fastFrame(this.width, this.height, this.operations);\n        if (fast !== undefined) return {output: fast, height: this.height};\n',
		],
	],
};

/** The files edited, as esbuild's onLoad filter. */
export const inkEditedFiles = /[\\/]ink[\\/]build[\\/](measure-text|wrap-text|output)\.js$/;

/** `contents` of ink/build/`name` with the edits made; throws when Ink no longer matches. */
export function editInkSource(name, contents) {
	let edited = contents;
	for (const [from, to] of edits[name] ?? []) {
		// A changed Ink must fail the build, not ship without the edit (the leak again, or slow frames).
		if (!edited.includes(from)) throw new Error(`ink/build/${name} no longer has ${JSON.stringify(from)}: check whether the edit is still needed, and redo it`);
		edited = edited.replace(from, to);
	}

	return edited;
}
