// The edits the build makes to Ink: its text caches, applied to the Ink that is installed
// and run as modules of their own (beside node_modules, so their imports resolve as Ink's),
// and its Output asking the quick frame first (test/ui/fast-frame.test.ts holds the
// quick frame to Ink's own).
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import {editInkSource, inkCacheLimit, inkEditedFiles} from '../../scripts/ink-edits.mjs';

const inkBuild = join('node_modules', 'ink', 'build');
const scratch = join('node_modules', '.cache', `ink-edits-test-${process.pid}`);

async function editedModule<T>(name: string): Promise<T> {
	mkdirSync(scratch, {recursive: true});
	const file = join(scratch, name.replace(/\.js$/, '.mjs'));
	writeFileSync(file, editInkSource(name, readFileSync(join(inkBuild, name), 'utf8')));
	const module = (await import(pathToFileURL(file).href)) as {default: T};
	return module.default;
}

afterAll(() => {
	rmSync(scratch, {recursive: true, force: true});
});

describe("the build's edits to Ink", () => {
	it('apply to the files they name', () => {
		expect(inkEditedFiles.test(join(inkBuild, 'measure-text.js'))).toBe(true);
		expect(inkEditedFiles.test(join(inkBuild, 'wrap-text.js'))).toBe(true);
		expect(inkEditedFiles.test(join(inkBuild, 'output.js'))).toBe(true);
		expect(inkEditedFiles.test(join(inkBuild, 'renderer.js'))).toBe(false);
	});

	it('empty the measure cache when it is full, and keep hits until then', async () => {
		const measureText = await editedModule<(text: string) => {width: number; height: number}>('measure-text.js');
		const first = measureText('first');
		expect(measureText('first')).toBe(first);
		for (let i = 1; i < inkCacheLimit - 1; i++) measureText(`text ${i}`);
		expect(measureText('first'), 'a hit before the cache is full').toBe(first);
		measureText('one more');
		measureText('and one more');
		const again = measureText('first');
		expect(again, 'measured again after the cache was emptied').not.toBe(first);
		expect(again).toEqual({width: 5, height: 1});
	});

	it('keep a wrapped text apart from another text and width that spell the same key', async () => {
		const wrapText = await editedModule<(text: string, maxWidth: number, wrap: string) => string>('wrap-text.js');
		expect(wrapText('ab', 12, 'wrap')).toBe('ab');
		expect(wrapText('ab1', 2, 'wrap')).toBe('ab\n1');
		expect(wrapText('a long line', 6, 'truncate-end')).toBe('a lon…');
	});

	it("make Ink's Output take the quick frame when there is one, and build its own otherwise", () => {
		const edited = editInkSource('output.js', readFileSync(join(inkBuild, 'output.js'), 'utf8'));
		const fastFrame = resolve('source', 'ui', 'fast-frame.ts');
		expect(edited).toContain(`import {fastFrame} from ${JSON.stringify(fastFrame)};`);
		const get = edited.slice(edited.indexOf('    get() {'));
		expect(get).toMatch(/^ {4}get\(\) \{\n {8}const fast = fastFrame\(this\.width, this\.height, this\.operations\);\n {8}if \(fast !== undefined\) return \{output: fast, height: this\.height\};\n {8}\/\/ Initialize output array/);
	});

	it('fail the build when Ink no longer has the lines they change', () => {
		expect(() => editInkSource('measure-text.js', 'const cache = new QuickLRU();')).toThrow(/measure-text\.js no longer has/);
	});
});

describe('the built dashboard', () => {
	it('carries the edits and the fast string-width (npm test builds first)', () => {
		const dashboard = readdirSync('dist').find(name => name.startsWith('dashboard-'));
		expect(dashboard, 'dist/dashboard-*.js: run npm run build').toBeDefined();
		const code = readFileSync(join('dist', dashboard!), 'utf8');
		// esbuild may print the limit as 1e4.
		const limit = `(?:${inkCacheLimit}|${inkCacheLimit.toExponential().replace('+', '')})`;
		expect(code.match(new RegExp(`\\.size >= ${limit}\\) cache\\d*\\.clear\\(\\)`, 'g'))).toHaveLength(2);
		expect(code).toContain('function isStandaloneNarrow(');
		expect(code).toContain('const fast = fastFrame(this.width, this.height, this.operations);');
		// Yoga decodes its wasm itself instead of loading Node's fetch (scripts/build.mjs).
		expect(code).not.toMatch(/typeof fetch|\bfetch\(/);
		// Every import of string-width in the bundle goes through the fast path.
		expect(code.match(/^\/\/ node_modules\/(?:.*\/)?string-width\/index\.js$/gm)).toHaveLength(1);
	});
});
