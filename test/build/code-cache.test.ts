// The core chunk runs from V8's code cache the build makes (scripts/code-cache.mjs). A cache
// V8 refuses (another Node, a damaged file) or a missing one only costs the compile: the
// built program must run the same. Runs copies of dist/ (npm test builds it first). The
// build refuses a core that assigns one of its exports again (the script gives each once).
import {spawnSync} from 'node:child_process';
import {cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {reassigned} from '../../scripts/code-cache.mjs';

const copies: string[] = [];

/** A copy of the built program (dist/ and package.json), its cache file changed by `change`. */
function copyWith(change: (cacheFile: string) => void): string {
	const root = mkdtempSync(join(tmpdir(), 'sms-dash-code-cache-'));
	copies.push(root);
	cpSync('dist', join(root, 'dist'), {recursive: true});
	cpSync('package.json', join(root, 'package.json'));
	const caches = readdirSync(join(root, 'dist')).filter(name => name.endsWith('.cache'));
	expect(caches, 'the build makes one code cache').toHaveLength(1);
	change(join(root, 'dist', caches[0]!));
	return root;
}

/** A seeded headless run's --json summary, without its wall-clock figures, and its exit and stderr. */
function run(root: string) {
	const result = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), '--headless', '--speed', 'max', '-m', '3000', '-s', '7', '-f', '0.1', '--retries', '1', '--seed', '5', '--json'], {encoding: 'utf8'});
	const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
	delete summary.wallElapsedMs;
	return {status: result.status, stderr: result.stderr, summary};
}

afterAll(() => {
	for (const root of copies) rmSync(root, {recursive: true, force: true});
});

describe('the code cache of the core chunk', () => {
	it('a damaged or missing cache only costs the compile: the same run, the same summary, nothing on stderr', () => {
		const built = run(copyWith(() => {}));
		expect(built.status).toBe(0);
		expect(built.stderr).toBe('');
		expect(built.summary.sent).toBeGreaterThan(0);
		for (const change of [(file: string) => writeFileSync(file, 'not a cache'), (file: string) => rmSync(file)]) {
			const other = run(copyWith(change));
			expect(other.status).toBe(0);
			expect(other.stderr).toBe('');
			expect(other.summary).toEqual(built.summary);
		}
	});
});

describe('an export of the core keeps its first value (the script gives each once, not live)', () => {
	const names = new Set(['total', 'count']);

	it('finds an export assigned again, with any assignment operator, or counted up or down', () => {
		expect(reassigned('var total = 0;\nfunction add(n) {\n  total += n;\n}', names)).toBe('total += n');
		expect(reassigned('let count = 1;\nconst reset = () => { count = 0; };', names)).toBe('count = 0');
		expect(reassigned('var count = 0;\nfunction next() { return count++; }', names)).toBe('count++');
		expect(reassigned('var total = 0;\n--total;', names)).toBe('--total');
	});

	it('lets a property, a class field or an object key of the same name be, and a variable no export names', () => {
		const code = 'var total = 1;\nclass Tally {\n  total = 0;\n  add() { this.total += 1; }\n}\nconst o = {count: 2};\no.count = 3;\nvar other = 1;\nother = 2;';
		expect(reassigned(code, names)).toBeUndefined();
	});
});
