// What `npm pack` ships: the program built (prepack), a licence, and as dependencies
// exactly the packages dist/ loads at run time or reads files of (the bundle holds the rest);
// and that a fresh clone packed, installed and run works, with no install-script warning.
import {execFileSync, spawnSync} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync} from 'node:fs';
import {builtinModules} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
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
 * A built-in's createRequire is called as `(0, import_node_module.createRequire)(...)`.
 */
function packagesLoaded(code: string): string[] {
	// A static import or export starts its line in esbuild's output (a Lua comment BullMQ
	// carries says `code from "moveToFinished"`).
	const specifiers = [...code.matchAll(/(?:^(?:import|export)\b[^;]*?\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bcreateRequire\)?\([^)]*\)\s*\(\s*|\brequire\d*\.resolve\s*\(\s*)(["'])(@?[\w-][\w.-]*(?:\/[\w.-]+)*)\1/gm)].map(([, , specifier]) => specifier!);
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

/** npm in `cwd`: its exit status and what it wrote. */
function npm(args: readonly string[], cwd: string): {status: number | null; stdout: string; stderr: string} {
	const result = spawnSync('npm', args, {cwd, encoding: 'utf8', env: {...process.env, npm_config_loglevel: 'warn', npm_config_update_notifier: 'false'}});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('a fresh clone, packed and installed', () => {
	it('builds as it packs, installs from the tarball without an install-script warning, and runs', () => {
		const dir = mkdtempSync(join(tmpdir(), 'sms-dash-pack-'));
		try {
			// The clone: every file git keeps or would add, no dist/; node_modules as `npm ci` leaves it.
			const clone = join(dir, 'clone');
			const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], {encoding: 'utf8'}).split('\n');
			for (const path of tracked.filter(path => path !== '' && !/^(test|bench|docs)\//.test(path) && existsSync(path))) {
				mkdirSync(join(clone, dirname(path)), {recursive: true});
				cpSync(path, join(clone, path));
			}

			symlinkSync(resolve('node_modules'), join(clone, 'node_modules'), 'dir');
			const packed = npm(['pack', '--pack-destination', dir], clone);
			expect(packed.status, packed.stderr).toBe(0);
			const tarball = join(dir, packed.stdout.trim().split('\n').at(-1)!);

			// From the npm cache when it has every package (as after `npm ci`), else from the registry.
			const prefix = join(dir, 'prefix');
			let installed = npm(['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], dir);
			if (installed.status !== 0 && /ENOTCACHED/.test(installed.stderr)) installed = npm(['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], dir);
			expect(installed.status, installed.stderr).toBe(0);
			expect(installed.stderr).not.toMatch(/install.?script/i);
			const home = join(prefix, 'lib', 'node_modules', 'sms-dash');
			expect(readdirSync(join(home, 'node_modules')).sort()).not.toEqual(expect.arrayContaining(['msgpackr-extract']));
			expect(existsSync(join(home, 'node_modules', 'bullmq'))).toBe(false);

			const bin = join(prefix, 'bin', 'sms-dash');
			const version = (JSON.parse(readFileSync('package.json', 'utf8')) as {version: string}).version;
			expect(execFileSync(bin, ['--version'], {encoding: 'utf8'})).toBe(`${version}\n`);
			const run = spawnSync(bin, ['-m', '20', '-s', '2', '--seed', '1', '--speed', 'max', '--headless'], {encoding: 'utf8', env: {...process.env, DEV: 'true'}});
			expect(run.status, run.stderr).toBe(0);
			expect(run.stdout).toMatch(/^Summary$/m);
			expect(run.stdout).toContain('20 produced');
			// The broker's chunk (BullMQ bundled) loads beside the installed ioredis.
			const broker = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(join(home, 'dist', 'broker', 'run.js'))})`], {encoding: 'utf8'});
			expect(broker.status, broker.stderr).toBe(0);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	}, 180_000);
});
