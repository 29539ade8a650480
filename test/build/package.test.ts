// What `npm pack` ships: the program built (prepack), a licence, and as dependencies
// exactly the packages dist/ loads at run time or reads files of (the bundle holds the rest).
import {execFileSync} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';
import {builtinModules} from 'node:module';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';

interface PackageJson {
	license: string;
	bin: Record<string, string>;
	exports: Record<string, unknown>;
	scripts: Record<string, string>;
	dependencies: Record<string, string>;
	devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as PackageJson;

/** Every .js file under dist/, by path. */
function distFiles(dir = 'dist'): string[] {
	return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
		const path = join(dir, entry.name);
		return entry.isDirectory() ? distFiles(path) : path.endsWith('.js') ? [path] : [];
	});
}

/**
 * The packages a file loads (static and dynamic imports, require() however it is reached)
 * and the packages it reads files of, found with require.resolve (--html reads uPlot's).
 */
function packagesLoaded(code: string): string[] {
	const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bcreateRequire\([^)]*\)\s*\(\s*|\brequire\d*\.resolve\s*\(\s*)(["'])(@?[\w-][\w.-]*(?:\/[\w.-]+)*)\1/g)].map(([, , specifier]) => specifier!);
	return specifiers
		.filter(specifier => !specifier.startsWith('node:') && !builtinModules.includes(specifier))
		.map(specifier => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
}

describe('the package', () => {
	it('depends on what dist/ loads or reads files of at run time, and on nothing the bundle holds (npm test builds first)', () => {
		const loaded = new Set(distFiles().flatMap(path => packagesLoaded(readFileSync(path, 'utf8'))));
		expect([...loaded].sort()).toEqual(Object.keys(pkg.dependencies).sort());
		expect(loaded).toContain('yaml');
		expect(loaded).toContain('uplot');
	});

	it('builds the program as it is packed, and ships it with its licence', () => {
		// The program and the library face, with the face's types (tsconfig.types.json).
		expect(pkg.scripts['prepack']).toBe('npm run build && npm run build:types');
		expect(pkg.exports['.']).toEqual({types: './dist/types/index.d.ts', import: './dist/index.js'});
		const [{files}] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {encoding: 'utf8'})) as [{files: Array<{path: string}>}];
		const paths = files.map(file => file.path);
		expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', ...Object.values(pkg.bin)]));
		expect(paths.filter(path => !path.startsWith('dist/') && !['LICENSE', 'README.md', 'package.json'].includes(path))).toEqual([]);
		expect(paths.filter(path => /devtools/.test(path) && !path.includes('no-devtools'))).toEqual([]);
		expect(pkg.license).toBe('MIT');
		expect(readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 sms-dash authors\n/);
	});
});
