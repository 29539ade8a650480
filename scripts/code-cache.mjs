// A step of the build: the command line's core chunk (all that a headless run loads but a few
// small files) is run as a classic script that Node compiles from V8's code cache, made
// here, instead of an ES module that V8 parses whole at every start (a sixth of a headless
// run's start-up). Its file stays an ES module with the same exports, so every other chunk
// imports it as before: it reads the script and runs it. A Node whose V8 takes no cache made
// by this one (another version) compiles the script as it compiled the module.
import {spawnSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {basename, resolve} from 'node:path';
import {Script} from 'node:vm';
import ts from 'typescript';

/** esbuild's imports of other chunks at the top of a chunk: `import {a, b as c} from "./x.js";` or `import "./x.js";`. */
const importStatement = /^import\s*(?:\{([^}]*)\}\s*from\s*)?"(\.[^"]+)";\n/;
/** The banner scripts/build.mjs puts first in every chunk (it makes `require`). */
const bannerLine = /^import \{createRequire as __createRequire\} from 'node:module';[^\n]*\n/;

/** `a, b as c` -> [['a', 'a'], ['b', 'c']]: [name in the other module, name here]. */
function namesOf(list) {
	return list
		.split(',')
		.map(item => item.trim())
		.filter(item => item !== '')
		.map(item => {
			const [name, local = name] = item.split(/\s+as\s+/);
			return [name, local];
		});
}

/**
 * Where the chunk's code assigns one of `names` after declaring it, if it does: `name = …`,
 * `name += …`, `name++` (read with TypeScript's parser, so a property or a class field of
 * that name is not one). A local of the same name in a function counts too: this errs on
 * the safe side, and renaming one is a small price.
 */
export function reassigned(code, names) {
	const source = ts.createSourceFile('chunk.js', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
	const isName = node => node !== undefined && ts.isIdentifier(node) && names.has(node.text);
	let found;
	const visit = node => {
		if (found !== undefined) return;
		const isWrite =
			(ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment && isName(node.left)) ||
			((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) && isName(node.operand));
		if (isWrite) found = node.getText(source).slice(0, 80);
		else ts.forEachChild(node, visit);
	};

	visit(source);
	return found;
}

/** Rewrites dist/`file` (an ES module chunk) as a module that runs `file`.script.js from its code cache. */
export function cacheChunk(dir, file) {
	const path = `${dir}/${file}`;
	let code = readFileSync(path, 'latin1');
	const banner = code.match(bannerLine);
	if (banner === null) throw new Error(`scripts/code-cache.mjs: ${file} does not start with the banner`);
	code = code.slice(banner[0].length);
	const imports = [];
	for (let match; (match = code.match(importStatement)) !== null; ) {
		imports.push({names: match[1] === undefined ? [] : namesOf(match[1]), from: match[2], lines: match[0].split('\n').length - 1});
		code = code.slice(match[0].length);
	}

	const exported = code.match(/\nexport \{([^}]*)\};\n*$/);
	if (exported === null) throw new Error(`scripts/code-cache.mjs: ${file} does not end with one export statement`);
	const exports = namesOf(exported[1]);
	let body = code.slice(0, exported.index + 1);
	// What only a module has: its own URL, and loading other chunks by a path relative to it.
	body = body.replaceAll('import.meta', '__meta').replaceAll(/\bimport\("(\.[^"]+)"\)/g, '__import("$1")');
	const left = body.match(/^\s*(?:import|export)\b|\bimport\s*\(|\bimport\.meta\b/m);
	if (left !== null) throw new Error(`scripts/code-cache.mjs: ${file} has an import or export it cannot turn into a script: ${left[0]}`);
	// The script gives each export's value once: a binding it assigns again would stay old in
	// the modules that import it (an ES module's exports are live).
	const assigned = reassigned(body, new Set(exports.map(([local]) => local)));
	if (assigned !== undefined) throw new Error(`scripts/code-cache.mjs: ${file} assigns an export again (${assigned}); an export must keep its first value`);
	// It takes what it imports once too: the chunks it imports must not assign those again.
	for (const {names, from} of imports) {
		const other = readFileSync(`${dir}/${from}`, 'latin1');
		const theirs = new Map(namesOf(other.match(/\nexport \{([^}]*)\};\n*$/)?.[1] ?? '').map(([local, name]) => [name, local]));
		const taken = reassigned(other, new Set(names.map(([name]) => theirs.get(name) ?? name)));
		if (taken !== undefined) throw new Error(`scripts/code-cache.mjs: ${from}, which ${file} imports, assigns an export again (${taken})`);
	}

	// The script: a function of what the module gives it, returning the module's exports. Its
	// lines are the chunk's (the banner and imports are its first line), for stack traces.
	const taken = imports
		.map(({names}, index) => (names.length === 0 ? '' : `const {${names.map(([name, local]) => (name === local ? name : `${name}: ${local}`)).join(', ')}} = __imports[${index}];`))
		.join(' ');
	const script = `(function (__meta, __import, require, __imports) {'use strict'; ${taken}${'\n'.repeat(imports.reduce((sum, {lines}) => sum + lines, 1))}${body}return {${exports.map(([local, name]) => (name === local ? name : `${name}: ${local}`)).join(', ')}};\n})\n`;
	const scriptFile = `${basename(file, '.js')}.script.js`;
	const cacheFile = `${basename(file, '.js')}.cache`;
	writeFileSync(`${dir}/${scriptFile}`, script, 'latin1');
	writeFileSync(`${dir}/${cacheFile}`, new Script(script, {filename: scriptFile}).createCachedData());

	// The module: the chunks it imported, then the script (unless the CLI ran it already).
	const module = [
		banner[0].trimEnd(),
		...imports.map(({from}, index) => `import * as __import${index} from ${JSON.stringify(from)};`),
		`export const {${exports.map(([, name]) => name).join(', ')}} = ${runner(scriptFile, cacheFile, `[${imports.map((_, index) => `__import${index}`).join(', ')}]`)};`,
		'',
	].join('\n');
	writeFileSync(path, module, 'latin1');
	return {cacheFile: `${dir}/${cacheFile}`, scriptFile, imports: imports.map(({from}) => from)};
}

/**
 * An expression that runs the script (from the cache when V8 takes it) with the namespaces
 * of the chunks it imports, once a process, and gives its exports. In a module of dist/ (it
 * reads `import.meta` and `require`, the banner's).
 */
function runner(scriptFile, cacheFile, imports) {
	return `(globalThis[Symbol.for(${JSON.stringify(`sms-dash ${scriptFile}`)})] ??= (() => {
	const {readFileSync} = require('node:fs');
	const {fileURLToPath} = require('node:url');
	const {Script} = require('node:vm');
	const at = name => fileURLToPath(new URL(name, import.meta.url));
	let cachedData;
	try {
		cachedData = readFileSync(at(${JSON.stringify(`./${cacheFile}`)}));
	} catch {}
	const script = new Script(readFileSync(at(${JSON.stringify(`./${scriptFile}`)}), 'latin1'), {filename: at(${JSON.stringify(`./${scriptFile}`)}), cachedData});
	// The build's run (see writeRunCache): the cache, once the functions a run calls are compiled.
	if (process.env.SMS_DASH_WRITE_CODE_CACHE === at(${JSON.stringify(`./${cacheFile}`)})) process.once('exit', () => require('node:fs').writeFileSync(process.env.SMS_DASH_WRITE_CODE_CACHE, script.createCachedData()));
	return script.runInThisContext()(import.meta, specifier => import(specifier), require, ${imports});
})())`;
}

/**
 * The CLI (dist/`cli`) loaded the core through `command-*.js`, an ES module that only gives
 * on the core's runCommandLine: it runs the core's script itself instead, two files and a
 * dynamic import fewer, and the core's module (for the chunks that import it) takes the
 * same exports. The chunks the core imports are the CLI's already.
 */
export function runCoreFromCli(dir, cli, core, {scriptFile, cacheFile, imports}) {
	const path = `${dir}/${cli}`;
	let code = readFileSync(path, 'latin1');
	const loads = [...code.matchAll(/await import\("(\.\/command-[\w-]+\.js)"\)/g)];
	if (loads.length !== 1) throw new Error(`scripts/code-cache.mjs: ${cli} does not load command.ts once`);
	const command = readFileSync(`${dir}/${loads[0][1]}`, 'latin1');
	if (!new RegExp(`^import \\{\\s*runCommandLine\\s*\\} from "\\./${core.replaceAll('.', '\\.')}";$`, 'm').test(command)) {
		throw new Error(`scripts/code-cache.mjs: ${loads[0][1]} is not the core's runCommandLine`);
	}

	for (const from of imports) {
		if (!code.includes(`from ${JSON.stringify(from)};`) && !code.includes(`import ${JSON.stringify(from)};`)) {
			throw new Error(`scripts/code-cache.mjs: the core imports ${from}, which ${cli} does not`);
		}
	}

	const banner = code.match(/^#!.*\n/)[0] + code.slice(code.match(/^#!.*\n/)[0].length).match(bannerLine)[0];
	code = code.slice(banner.length);
	code = code.replace(loads[0][0], runner(basename(scriptFile), basename(cacheFile), `[${imports.map((_, index) => `__coreImport${index}`).join(', ')}]`));
	writeFileSync(path, `${banner}${imports.map((from, index) => `import * as __coreImport${index} from ${JSON.stringify(from)};\n`).join('')}${code}`, 'latin1');
}

/**
 * The cache made again at the end of a headless run of `cli`, so that it holds the functions
 * a run calls compiled too (V8 compiles a function when it is first called, and those of a
 * headless run were as dear as the parse of the whole chunk).
 */
export function writeRunCache(cli, cacheFile) {
	const path = resolve(cacheFile);
	const run = spawnSync(process.execPath, [cli, '--headless', '--speed', 'max', '-m', '1', '--seed', '1'], {
		stdio: ['ignore', 'ignore', 'inherit'],
		env: {...process.env, SMS_DASH_WRITE_CODE_CACHE: path},
	});
	if (run.status !== 0) throw new Error(`scripts/code-cache.mjs: the run that makes the code cache failed (${run.status ?? run.signal})`);
}
