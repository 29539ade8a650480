// Tests render through the Ink users get: vitest.config.ts makes the build's changes to
// packages (scripts/package-edits.mjs) as it loads them, so Ink's Output asks the quick
// frame first, its caches are bounded, and its text helpers measure with the fast string-width.
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {Box, Text} from 'ink';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {changedPackages, editedFiles, inkCacheLimit} from '../../scripts/package-edits.mjs';
import {fastFrame} from '../../source/ui/fast-frame.js';
import stringWidth from '../../source/ui/string-width.js';

vi.mock('../../source/ui/fast-frame.js', async importOriginal => {
	const original = await importOriginal<typeof import('../../source/ui/fast-frame.js')>();
	return {...original, fastFrame: vi.fn(original.fastFrame)};
});
vi.mock('../../source/ui/string-width.js', async importOriginal => {
	const original = await importOriginal<typeof import('../../source/ui/string-width.js')>();
	return {...original, default: vi.fn(original.default)};
});

/** A package file as the tests load it (Ink's package exports only its index). */
const packageFile = async <T,>(file: string): Promise<T> => (await import(pathToFileURL(join('node_modules', file)).href)) as T;

afterEach(() => {
	vi.clearAllMocks();
});

describe('the Ink tests render through', () => {
	it('asks the quick frame for each frame, and shows what it answers', () => {
		const {lastFrame, rerender, unmount} = render(
			<Box width={20}>
				<Text>sent 12</Text>
			</Box>,
		);
		expect(lastFrame()).toBe('sent 12');
		expect(fastFrame).toHaveBeenCalled();
		const [width, height, operations] = vi.mocked(fastFrame).mock.calls.at(-1)!;
		expect([width, height]).toEqual([100, 1]);
		expect(operations).toContainEqual(expect.objectContaining({type: 'write', text: 'sent 12'}));

		vi.mocked(fastFrame).mockReturnValueOnce('the quick frame');
		rerender(
			<Box width={20}>
				<Text>sent 13</Text>
			</Box>,
		);
		expect(lastFrame()).toBe('the quick frame');
		unmount();
	});

	it("builds Ink's own frame when the quick frame has no answer", () => {
		vi.mocked(fastFrame).mockReturnValue(undefined);
		const {lastFrame, unmount} = render(<Text>failed 3</Text>);
		expect(lastFrame()).toBe('failed 3');
		unmount();
		vi.mocked(fastFrame).mockReset();
	});

	it('measures text with the fast string-width', () => {
		const {lastFrame, unmount} = render(
			<Box width={12}>
				<Text wrap="truncate-end">✓ pass · p95 under 250ms</Text>
			</Box>,
		);
		expect(lastFrame()).toBe('✓ pass · p9…');
		expect(stringWidth).toHaveBeenCalledWith('✓ pass · p95 under 250ms');
		unmount();
	});

	it('empties its measure cache when it is full', async () => {
		const {default: measureText} = await packageFile<{default: (text: string) => {width: number; height: number}}>('ink/build/measure-text.js');
		const first = measureText('first');
		for (let i = 0; i < inkCacheLimit; i++) measureText(`text ${i}`);
		expect(measureText('first')).not.toBe(first);
	});

	it("keeps Ink's own frame as inkGet", async () => {
		const {default: Output} = await packageFile<{default: {prototype: object}}>('ink/build/output.js');
		expect(Output.prototype).toHaveProperty('inkGet');
	});

	it('is one of the packages vitest loads itself, with every package the build edits', () => {
		for (const file of ['ink/build/output.js', 'ink/build/measure-text.js', 'ink/build/wrap-text.js', 'meow/build/dependencies.js', 'string-width/index.js', 'slice-ansi/tokenize-ansi.js', '@alcalzone/ansi-tokenize/build/tokenize.js', 'yoga-layout/dist/binaries/yoga-wasm-base64-esm.js']) {
			expect(editedFiles.test(join(process.cwd(), 'node_modules', file)), file).toBe(true);
			expect(changedPackages).toContain(file.split('/').slice(0, file.startsWith('@') ? 2 : 1).join('/'));
		}
	});
});
