import {readFileSync} from 'node:fs';
import {defineConfig, type Plugin} from 'vitest/config';
import {changedPackages, editedFiles, editPackageSource, packageFileOf, stringWidthFor} from './scripts/package-edits.mjs';

// Node would load these packages itself, unchanged: vitest loads them, and ink-testing-library
// too, so that it renders with the same Ink as the components it is given.
const inline = [...changedPackages, 'ink-testing-library'];
const inlined = new RegExp(`[\\\\/]node_modules[\\\\/](?:${inline.join('|')})[\\\\/][^?]*\\.js$`);

/**
 * The build's changes to packages (scripts/package-edits.mjs), made as vitest loads them:
 * tests render through the Ink users get, quick frame and all.
 */
const packageEdits: Plugin = {
	name: 'package-edits',
	enforce: 'pre',
	// The packages' code as it is, without the source maps they point to but do not ship.
	load(id) {
		return inlined.test(id) ? readFileSync(id, 'utf8') : undefined;
	},
	resolveId(source, importer) {
		return source === 'string-width' && importer !== undefined ? stringWidthFor(importer) : undefined;
	},
	transform(code, id) {
		const path = id.split('?')[0]!;
		return editedFiles.test(path) ? {code: editPackageSource(packageFileOf(path), code), map: null} : undefined;
	},
};

export default defineConfig({
	plugins: [packageEdits],
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		setupFiles: ['test/setup.ts'],
		// End-to-end and broker tests start real processes (and Redis, tmux, Chromium): on a
		// busy two-core machine a start alone can take many seconds. Their waits have deadlines
		// of their own, which say what did not happen; this only backs them up.
		testTimeout: 60_000,
		// CI machines are shared and noisy, and the e2e tests drive real processes, terminals,
		// Redis and Chromium: in CI a test gets one more try. One that fails twice fails the run;
		// run locally (no CI), a test has one try, so an intermittent failure still shows.
		retry: process.env['CI'] ? 1 : 0,
		server: {deps: {inline: [inlined]}},
	},
});
