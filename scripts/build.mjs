// Builds dist/: one ESM bundle per entry (the CLI, the dashboard as a lazily loaded
// chunk, the size worker), with React's production build. Node then reads a few files
// instead of resolving and compiling hundreds: the dashboard starts in about half the
// CPU time (see README, Benchmarks). `tsc --noEmit` stays the type check.
import {readFileSync, rmSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {editPackageSource, editedFiles, packageFileOf} from './package-edits.mjs';

const fastStringWidth = fileURLToPath(new URL('../source/ui/string-width.ts', import.meta.url));

rmSync('dist', {recursive: true, force: true});
await build({
	entryPoints: [
		'source/cli.tsx',
		{in: 'source/size/worker.ts', out: 'size-worker'},
		// Loaded by bench/broker.js on their own (the CLI loads them as chunks too).
		{in: 'source/broker/cli.ts', out: 'broker/cli'},
		{in: 'source/broker/run.ts', out: 'broker/run'},
	],
	outdir: 'dist',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	// yaml is required at run time only when a file is read (see config/file.ts); the broker's
	// client libraries load native and optional pieces of their own, so they stay packages.
	external: ['yaml', 'bullmq', 'ioredis'],
	define: {
		'process.env.NODE_ENV': '"production"',
		// Yoga's loader reads its wasm from a data: URL with fetch when there is one; touching
		// Node's fetch loads undici, a tenth of the dashboard's start-up CPU. Without it the
		// loader decodes the same bytes itself. Nothing else bundled calls fetch.
		fetch: 'undefined',
	},
	// Bundled CommonJS modules (React, yoga) call require() for Node built-ins.
	banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
	plugins: [
		{
			// Ink imports its devtools only when DEV is set; never ship them.
			name: 'no-devtools',
			setup(b) {
				b.onResolve({filter: /^react-devtools-core$/}, () => ({path: 'react-devtools-core', namespace: 'empty'}));
				b.onLoad({filter: /.*/, namespace: 'empty'}, () => ({contents: 'export default {};', loader: 'js'}));
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
			// Ink and its text helpers measure every line of every frame: they get the
			// string-width with a fast path for the dashboard's glyphs (source/ui/string-width.ts),
			// which itself falls back to the package.
			name: 'fast-string-width',
			setup(b) {
				b.onResolve({filter: /^string-width$/}, args => (args.importer === fastStringWidth ? undefined : {path: fastStringWidth}));
			},
		},
	],
	logLevel: 'warning',
});
