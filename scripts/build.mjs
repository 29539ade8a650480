// Builds dist/: one ESM bundle per entry (the CLI, the dashboard as a lazily loaded
// chunk, the size worker), with React's production build. Node then reads a few files
// instead of resolving and compiling hundreds: the dashboard starts in about half the
// CPU time (see docs/benchmarks.md). `tsc --noEmit` stays the type check.
import {readFileSync, rmSync} from 'node:fs';
import {builtinModules} from 'node:module';
import {basename, dirname, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {editPackageSource, editedFiles, packageFileOf, stringWidthFor} from './package-edits.mjs';

/** Packages BullMQ and msgpackr load only if they are there (see the absent-optional plugin). */
const absentOptional = /^(msgpackr-extract|pg|@valkey\/valkey-glide)$/;
/** The values `source` imports from the built-in `name` (`import {a, b as c, type T} from 'node:x'`: a, b). */
function importedNames(source, name) {
	const names = new Set();
	for (const [, list] of source.matchAll(new RegExp(`^import\\s*\\{([^}]*)\\}\\s*from\\s*'(?:node:)?${name}';`, 'gm'))) {
		for (const item of list.split(',')) {
			const [imported] = item.trim().split(/\s+as\s+/);
			if (imported !== '' && !imported.startsWith('type ')) names.add(imported);
		}
	}
	if (names.size === 0) throw new Error(`scripts/build.mjs: no named import of ${name} found`);
	return [...names];
}
/** Node's built-in modules, as imported (`node:fs`, `fs`, `fs/promises`). */
const builtin = new RegExp(`^(?:node:)?(?:${builtinModules.map(name => name.replaceAll('/', '\\/')).join('|')})$`);

const common = {
	outdir: 'dist',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	// yaml is required at run time only when a file is read (see config/file.ts); ioredis
	// and smpp stay packages too. BullMQ is bundled (into the broker's chunk, loaded only in broker
	// mode) without the optional pieces it never needs here: see absentOptional above.
	external: ['yaml', 'ioredis', 'smpp'],
	define: {
		'process.env.NODE_ENV': '"production"',
		// Yoga's loader reads its wasm from a data: URL with fetch when there is one; touching
		// Node's fetch loads undici, a tenth of the dashboard's start-up CPU. Without it the
		// loader decodes the same bytes itself. Nothing else bundled calls fetch.
		fetch: 'undefined',
	},
	// Bundled CommonJS modules (React, yoga) call require() for Node built-ins; made on a
	// chunk's first require(), as most chunks of a headless run never call it.
	banner: {
		js: "import {createRequire as __createRequire} from 'node:module'; let __required; const require = id => (__required ??= __createRequire(import.meta.url))(id);",
	},
	plugins: [
		{
			// Node's ES face of a built-in module reads every export of it as it is made:
			// node:fs's getters load Node's stream library (its ReadStream and WriteStream), a
			// few ms of a headless run's start-up. Our modules get, each, a module of their own
			// that takes the names they import off require()'s (the banner's) built-in, and
			// nothing else. The packages' imports stay as they are.
			name: 'required-builtins',
			setup(b) {
				b.onResolve({filter: builtin}, args =>
					args.kind === 'import-statement' && /^source[\\/]/.test(relative('.', args.importer))
						? {path: `${args.path.replace(/^node:/, '')} for ${relative('.', args.importer)}`, namespace: 'builtin'}
						: undefined,
				);
				b.onLoad({filter: /.*/, namespace: 'builtin'}, args => {
					const [name, importer] = args.path.split(' for ');
					return {contents: `export const {${importedNames(readFileSync(importer, 'utf8'), name).join(', ')}} = require(${JSON.stringify(`node:${name}`)});`, loader: 'js'};
				});
			},
		},
		{
			// What BullMQ and its msgpackr try to load and go on without: msgpackr-extract (a
			// native speed-up of msgpackr, whose install script npm warns about on every install;
			// msgpackr falls back to JavaScript), and the clients of other back ends (pg,
			// Valkey GLIDE) BullMQ loads only when asked for them. Each is a module that throws
			// as it is required, as a package that is not installed would.
			name: 'absent-optional',
			setup(b) {
				b.onResolve({filter: absentOptional}, args => ({path: args.path, namespace: 'absent'}));
				b.onLoad({filter: /.*/, namespace: 'absent'}, args => ({
					contents: `throw new Error(${JSON.stringify(`${args.path} is not part of sms-dash`)});`,
					loader: 'js',
				}));
			},
		},
		{
			// An ES module importing a CommonJS package gets its own copy of the package's exports
			// (esbuild's __toESM, a getter per export): React's 60, made 38 times over, and
			// react/jsx-runtime's 9 times, as the dashboard's chunk loads. Every ES import of them
			// goes through one ES face of each instead, made once.
			name: 'one-react-face',
			setup(b) {
				b.onResolve({filter: /^react(?:\/jsx-runtime)?$/}, async args => {
					if (args.kind !== 'import-statement' || args.namespace === 'react-face') return undefined;
					const resolved = await b.resolve(args.path, {kind: 'import-statement', resolveDir: args.resolveDir, namespace: 'react-face'});
					return {path: resolved.path, namespace: 'react-face'};
				});
				b.onLoad({filter: /.*/, namespace: 'react-face'}, args => ({
					contents: `export * from ${JSON.stringify(args.path)};\nexport {default} from ${JSON.stringify(args.path)};`,
					resolveDir: dirname(args.path),
					loader: 'js',
				}));
			},
		},
		{
			// With DEV=true Ink loads its devtools.js (React's devtools client and a WebSocket
			// library, 130 kB, which then wants react-devtools-core installed): the bundle has an
			// empty module in its place, so DEV=true changes nothing.
			name: 'no-devtools',
			setup(b) {
				b.onResolve({filter: /^\.\/devtools\.js$/}, args =>
					packageFileOf(args.importer) === 'ink/build/reconciler.js' ? {path: 'no-devtools', namespace: 'empty'} : undefined,
				);
				b.onLoad({filter: /.*/, namespace: 'empty'}, () => ({contents: '', loader: 'js'}));
			},
		},
		{
			// Ink's bounded caches and quick frame, meow's lazy dependencies: see scripts/package-edits.mjs.
			name: 'package-edits',
			setup(b) {
				b.onLoad({filter: editedFiles}, args => ({
					contents: editPackageSource(packageFileOf(args.path), readFileSync(args.path, 'utf8')),
					loader: 'js',
				}));
			},
		},
		{
			// Ink and its text helpers get source/ui/string-width.ts: see scripts/package-edits.mjs.
			name: 'fast-string-width',
			setup(b) {
				b.onResolve({filter: /^string-width$/}, args => {
					const path = stringWidthFor(args.importer);
					return path === undefined ? undefined : {path};
				});
			},
		},
	],
	logLevel: 'warning',
};

/** What the CLI loads only for some runs; each also loads the command line's core (see oneCore). */
const lazyModules = /source[\\/](?:ui[\\/]dashboard\.tsx|broker[\\/](?:cli|run)\.ts|smpp[\\/](?:run|smsc-cli)\.ts|size[\\/]cli\.ts|report[\\/]html\.ts|config[\\/]parse\.ts)$/;
const commandModule = fileURLToPath(new URL('../source/command.ts', import.meta.url));

/**
 * esbuild puts a module shared by code split apart in the chunk of the set of entries (and
 * lazily loaded modules) that reach it, so a headless run read 19 files. Each lazily loaded
 * module here also imports command.ts (already loaded whenever the CLI loads them; it runs
 * nothing as it loads), so all that command.ts loads at once shares one set and one chunk.
 */
const oneCore = {
	name: 'one-core',
	setup(b) {
		b.onLoad({filter: lazyModules, namespace: 'file'}, args => ({
			contents: `import ${JSON.stringify(commandModule)};\n${readFileSync(args.path, 'utf8')}`,
			loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts',
		}));
	},
};

rmSync('dist', {recursive: true, force: true});
const [cli] = await Promise.all([
	// The CLI. broker/cli and broker/run are entries too: bench/broker.js loads them on their own.
	build({
		...common,
		entryPoints: ['source/cli.tsx', {in: 'source/broker/cli.ts', out: 'broker/cli'}, {in: 'source/broker/run.ts', out: 'broker/run'}],
		plugins: [oneCore, ...common.plugins],
		metafile: true,
	}),
	// The library face (import {simulate, size} from 'sms-dash') and the size worker's thread
	// (which the CLI starts from its file): built apart, so they share no chunk with the CLI.
	build({...common, entryPoints: ['source/index.ts', {in: 'source/size/worker.ts', out: 'size-worker'}]}),
]);
// A module the CLI loads lazily and oneCore does not know would split the core again.
for (const [from, input] of Object.entries(cli.metafile.inputs)) {
	for (const {path, kind} of input.imports) {
		if (kind === 'dynamic-import' && path.startsWith('source/') && path !== 'source/command.ts' && !lazyModules.test(path)) {
			throw new Error(`scripts/build.mjs: ${from} loads ${path} lazily: add it to lazyModules`);
		}
	}
}

// Every file ASCII, so Node never decodes one as UTF-16 (see scripts/ascii-dist.mjs).
(await import('./ascii-dist.mjs')).asciiOnly('dist');
// The core chunk (all that a plain run loads but a few small files) run from V8's code cache.
const [core] = Object.entries(cli.metafile.outputs).find(([, output]) => Object.hasOwn(output.inputs, 'source/command.ts'));
const {cacheChunk, runCoreFromCli, writeRunCache} = await import('./code-cache.mjs');
const cached = cacheChunk('dist', basename(core));
runCoreFromCli('dist', 'cli.js', basename(core), cached);
writeRunCache('dist/cli.js', cached.cacheFile);
