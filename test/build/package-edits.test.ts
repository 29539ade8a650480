// The edits the build makes to packages, applied to the packages that are installed
// and run as modules of their own (beside node_modules, so their imports resolve as the
// package's): Ink's text caches, its Output asking the quick frame first
// (test/ui/fast-frame.test.ts holds the quick frame to Ink's own), meow's lazy dependencies,
// the lazy segmenters of string-width, slice-ansi and ansi-tokenize, Yoga's decoding.
import {spawnSync} from 'node:child_process';
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import {changedPackages, editedFiles, editPackageSource, inkCacheLimit, packageFileOf} from '../../scripts/package-edits.mjs';

const scratch = join('node_modules', '.cache', `package-edits-test-${process.pid}`);

/** node_modules/`file` with its edits. */
const edited = (file: string): string => editPackageSource(file, readFileSync(join('node_modules', file), 'utf8'));

async function editedModule<T>(file: string): Promise<T> {
	mkdirSync(scratch, {recursive: true});
	const path = join(scratch, file.replaceAll('/', '-').replace(/\.js$/, '.mjs'));
	writeFileSync(path, edited(file));
	return (await import(pathToFileURL(path).href)) as T;
}

/** Copies written beside the package's own files, for files that import their neighbours. */
const besides: string[] = [];

/**
 * node_modules/`file` edited (or as the package has it), loaded by Node itself from a copy
 * beside it: vitest makes the build's edits to the package's own file as it loads it.
 */
async function moduleBeside<T>(file: string, kind: 'edited' | 'package'): Promise<T> {
	const path = resolve('node_modules', file.replace(/\.js$/, `.${kind}-${process.pid}.mjs`));
	writeFileSync(path, kind === 'edited' ? edited(file) : readFileSync(resolve('node_modules', file), 'utf8'));
	besides.push(path);
	return (await import(pathToFileURL(path).href)) as T;
}

afterAll(() => {
	rmSync(scratch, {recursive: true, force: true});
	for (const path of besides) rmSync(path, {force: true});
});

describe("the build's edits to packages", () => {
	it('apply to the files they name', () => {
		const files = ['ink/build/measure-text.js', 'ink/build/wrap-text.js', 'ink/build/output.js', 'meow/build/dependencies.js'];
		const more = ['string-width/index.js', 'slice-ansi/tokenize-ansi.js', '@alcalzone/ansi-tokenize/build/tokenize.js', 'yoga-layout/dist/binaries/yoga-wasm-base64-esm.js'];
		for (const file of [...files, ...more]) {
			const path = resolve('node_modules', file);
			expect(editedFiles.test(path), file).toBe(true);
			expect(packageFileOf(path)).toBe(file);
			expect(edited(file), file).not.toBe(readFileSync(path, 'utf8'));
		}

		expect(editedFiles.test(resolve('node_modules', 'ink', 'build', 'renderer.js'))).toBe(false);
		expect(packageFileOf(join('a', 'node_modules', 'b', 'node_modules', 'ink', 'build', 'output.js'))).toBe('ink/build/output.js');
	});

	it('empty the measure cache when it is full, and keep hits until then', async () => {
		const {default: measureText} = await editedModule<{default: (text: string) => {width: number; height: number}}>('ink/build/measure-text.js');
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
		const {default: wrapText} = await editedModule<{default: (text: string, maxWidth: number, wrap: string) => string}>('ink/build/wrap-text.js');
		expect(wrapText('ab', 12, 'wrap')).toBe('ab');
		expect(wrapText('ab1', 2, 'wrap')).toBe('ab\n1');
		expect(wrapText('a long line', 6, 'truncate-end')).toBe('a lon…');
	});

	it("make Ink's Output take the quick frame when there is one, and build its own otherwise", () => {
		const output = edited('ink/build/output.js');
		const fastFrame = resolve('source', 'ui', 'fast-frame.ts');
		expect(output).toContain(`import {fastFrame} from ${JSON.stringify(fastFrame)};`);
		const get = output.slice(output.indexOf('    get() {'));
		expect(get).toMatch(
			/^ {4}get\(\) \{\n {8}const fast = fastFrame\(this\.width, this\.height, this\.operations\);\n {8}return fast === undefined \? this\.inkGet\(\) : \{output: fast, height: this\.height\};\n {4}\}\n {4}inkGet\(\) \{\n {8}\/\/ Initialize output array/,
		);
	});

	it("build meow's package normalizer and code frame on first use, not as meow loads", async () => {
		expect(edited('meow/build/dependencies.js')).not.toMatch(/^var \w+ = require(?:Normalize|Lib\$1)\(\);$/m);
		type ReadPackageUp = (options: {cwd: string; normalize?: boolean}) => {packageJson: Record<string, unknown>} | undefined;
		const meow = await editedModule<{n: (data: Record<string, unknown>) => void; a: ReadPackageUp}>('meow/build/dependencies.js');
		const data: Record<string, unknown> = {name: 'x', version: '1.0.0', license: 'MIT'};
		meow.n(data);
		expect(data['_id']).toBe('x@1.0.0');
		// A broken package.json is reported with Babel's code frame.
		const dir = join(tmpdir(), `package-edits-${process.pid}`);
		mkdirSync(dir, {recursive: true});
		writeFileSync(join(dir, 'package.json'), '{"name": "x",,}');
		try {
			expect(() => meow.a({cwd: dir, normalize: false})).toThrow(/> 1 \| \{"name": "x",,\}/);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it("build string-width's, slice-ansi's and ansi-tokenize's segmenters and string-width's emoji regex on first use, and give what the packages give", async () => {
		for (const file of ['string-width/index.js', 'slice-ansi/tokenize-ansi.js', '@alcalzone/ansi-tokenize/build/tokenize.js']) {
			expect(edited(file), file).not.toMatch(/^const \w+ = (?:new Intl\.Segmenter\(|\/\^\\p\{RGI_Emoji\}\$\/v)/m);
		}

		type Width = (text: string, options?: {ambiguousIsNarrow?: boolean}) => number;
		type Tokenize = (text: string) => unknown[];
		const {default: width} = await moduleBeside<{default: Width}>('string-width/index.js', 'edited');
		const {default: sliceTokens} = await moduleBeside<{default: Tokenize}>('slice-ansi/tokenize-ansi.js', 'edited');
		const {tokenize} = await moduleBeside<{tokenize: Tokenize}>('@alcalzone/ansi-tokenize/build/tokenize.js', 'edited');
		const packages = {
			width: (await moduleBeside<{default: Width}>('string-width/index.js', 'package')).default,
			sliceTokens: (await moduleBeside<{default: Tokenize}>('slice-ansi/tokenize-ansi.js', 'package')).default,
			tokenize: (await moduleBeside<{tokenize: Tokenize}>('@alcalzone/ansi-tokenize/build/tokenize.js', 'package')).tokenize,
		};
		const texts = ['', 'abc', '\u001B[31mred\u001B[39m', '\u00B7 \u2581\u2588', '\u{1F600}x', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}', '1\uFE0F\u20E3', '\u4E2D\u6587', '\u1100\u1161\u11A8', 'e\u0301', '\u00A1'];
		for (const text of texts) {
			const name = JSON.stringify(text);
			expect(width(text), name).toBe(packages.width(text));
			expect(width(text, {ambiguousIsNarrow: false}), name).toBe(packages.width(text, {ambiguousIsNarrow: false}));
			expect(sliceTokens(text), name).toEqual(packages.sliceTokens(text));
			expect(tokenize(text), name).toEqual(packages.tokenize(text));
		}

		expect(width('\u{1F600}')).toBe(2);
	});

	it("decode Yoga's WebAssembly with Buffer, to a Yoga that lays out as the package's does", async () => {
		const file = 'yoga-layout/dist/binaries/yoga-wasm-base64-esm.js';
		expect(edited(file)).not.toContain('charCodeAt(a)');
		type Node = {setWidth(width: number): void; setHeight(height: number): void; setFlexGrow(grow: number): void; insertChild(child: Node, index: number): void; calculateLayout(): void; getComputedLayout(): object};
		type Yoga = {Node: {create(): Node}};
		const [{default: wrap}, {default: loadEdited}, {default: loadPackage}] = await Promise.all([
			import(pathToFileURL(resolve('node_modules/yoga-layout/dist/src/wrapAssembly.js')).href) as Promise<{default: (assembly: unknown) => Yoga}>,
			moduleBeside<{default: () => Promise<unknown>}>(file, 'edited'),
			moduleBeside<{default: () => Promise<unknown>}>(file, 'package'),
		]);
		const layout = (yoga: Yoga): object[] => {
			const root = yoga.Node.create();
			root.setWidth(100);
			root.setHeight(30);
			const children = [1, 2].map(grow => {
				const child = yoga.Node.create();
				child.setFlexGrow(grow);
				return child;
			});
			children.forEach((child, index) => root.insertChild(child, index));
			root.calculateLayout();
			return [root, ...children].map(node => node.getComputedLayout());
		};

		const editedLayout = layout(wrap(await loadEdited()));
		expect(editedLayout).toEqual(layout(wrap(await loadPackage())));
		// A column: the second child grows twice as much as the first.
		expect(editedLayout[2]).toMatchObject({top: 10, width: 100, height: 20});
	});

	it('fail the build when a package no longer has the text they change', () => {
		expect(() => editPackageSource('ink/build/measure-text.js', 'const cache = new QuickLRU();')).toThrow(/ink\/build\/measure-text\.js no longer has/);
		expect(() => editPackageSource('meow/build/dependencies.js', 'var libExports = requireLib();')).toThrow(/meow\/build\/dependencies\.js no longer has/);
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

	it("carries meow's lazy dependencies", () => {
		const chunks = readdirSync('dist').filter(name => name.endsWith('.js')).map(name => readFileSync(join('dist', name), 'utf8'));
		const meow = chunks.filter(code => code.includes('// node_modules/meow/build/dependencies.js'));
		expect(meow).toHaveLength(1);
		expect(meow[0]).toContain('var normalizePackageData = (...parameters) => getDefaultExportFromCjs(requireNormalize())(...parameters);');
		expect(meow[0]).not.toMatch(/^var \w+ = require(?:Normalize|Lib\$1)\(\);$/m);
	});

	it('takes string-width from the fast path in every package it changes, and only in those', () => {
		const bundle = readdirSync('dist')
			.filter(name => name.endsWith('.js'))
			.map(name => readFileSync(join('dist', name), 'utf8'))
			.join('\n');
		const packages = new Set([...bundle.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\/(.+\.js)$/gm)].map(([, name]) => name!));
		const usingStringWidth = [...packages].filter(name => {
			const files = [...bundle.matchAll(/^\/\/ node_modules\/(.+\.js)$/gm)].map(([, file]) => file!).filter(file => file.startsWith(`${name}/`));
			return files.some(file => /from ['"]string-width['"]|require\(['"]string-width['"]\)/.test(readFileSync(join('node_modules', file), 'utf8')));
		});
		expect(usingStringWidth.length).toBeGreaterThan(2);
		// Vitest changes these packages (vitest.config.ts): one more would be tested unchanged.
		for (const name of usingStringWidth) expect(changedPackages, name).toContain(name);
		for (const name of changedPackages) expect(packages, name).toContain(name);
	});

	it('is ASCII in every file, so Node never decodes one as UTF-16 (npm test builds first)', () => {
		const files = readdirSync('dist', {recursive: true}).map(String).filter(name => name.endsWith('.js'));
		expect(files.length).toBeGreaterThan(5);
		for (const name of files) expect(readFileSync(join('dist', name), 'utf8'), name).toMatch(/^[\u0000-\u007F]*$/);
	});

	it('carries no devtools, and runs with DEV=true', () => {
		const names = readdirSync('dist');
		const code = names.filter(name => name.endsWith('.js')).map(name => readFileSync(join('dist', name), 'utf8'));
		expect(code.filter(text => /^\/\/ node_modules\/(?:ws|ink\/build\/devtools)/m.test(text))).toEqual([]);
		const dashboard = names.find(name => name.startsWith('dashboard-'))!;
		// Ink's reconciler loads its devtools as the dashboard's chunk loads.
		const run = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(resolve('dist', dashboard)).href)}); console.log('loaded')`], {
			env: {...process.env, DEV: 'true'},
			encoding: 'utf8',
		});
		expect(run.stderr).toBe('');
		expect(run.stdout).toBe('loaded\n');
	});
});
