// The delivery model's keys (DESIGN.md "Real SMS delivery") through every way in: sender
// keys window, rate, price and preset as flags, in --sender, a config file, a script's add
// and tune; the run's text, gateway rate, backoff, invalid share, receipts and validity.
import {describe, expect, test} from 'vitest';
import type {RawFlags} from '../../source/config/flags.js';
import {type ConfigIo, resolveSettings} from '../../source/config/resolve.js';
import type {SenderSpec} from '../../source/engine/types.js';
import {refusalOf} from '../helpers/refusal.js';

function memoryIo(files: Record<string, string>): ConfigIo {
	return {
		readFile(path) {
			const text = files[path];
			if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {code: 'ENOENT'});
			return text;
		},
		randomSeed: () => 1,
	};
}

const resolve = (flags: RawFlags, files: Record<string, string> = {}) => resolveSettings(flags, memoryIo(files));
const withFile = (text: string, flags: RawFlags = {}) => resolve({config: 'cfg.yaml', ...flags}, {'cfg.yaml': text});
const withScript = (text: string, flags: RawFlags = {}) => resolve({script: 's.yaml', ...flags}, {'s.yaml': text});
const sender = (more: Partial<SenderSpec> = {}): SenderSpec => ({meanMs: 100, failureRate: 0.1, distribution: 'gamma', ...more});
/** The one sender `-s 1` starts with these flags. */
const oneSender = (flags: RawFlags) => resolve({senders: '1', ...flags}).senders[0];

describe('sender keys as flags', () => {
	test.each<[string, RawFlags, SenderSpec]>([
		['none: the spec has no window, rate or price', {}, sender()],
		['a window', {window: '10'}, sender({window: 10})],
		['a window at the limit', {window: '100000'}, sender({window: 100_000})],
		['a rate', {rate: '2.5'}, sender({rate: 2.5})],
		['a rate of none', {rate: 'none'}, sender()],
		['a price', {price: '0.0079'}, sender({price: 0.0079})],
		['a price of 0', {price: '0'}, sender({price: 0})],
		['short-code', {preset: 'short-code'}, sender({window: 10, rate: 100})],
		['toll-free', {preset: 'toll-free'}, sender({window: 1, rate: 3})],
		['long-code', {preset: 'long-code'}, sender({window: 1, rate: 1})],
		['smpp: no rate', {preset: 'smpp'}, sender({window: 10})],
		['a preset in capitals, with an underscore', {preset: 'Short_Code'}, sender({window: 10, rate: 100})],
		['a preset\'s rate overridden', {preset: 'short-code', rate: '50'}, sender({window: 10, rate: 50})],
		['a preset\'s window overridden', {preset: 'short-code', window: '4'}, sender({window: 4, rate: 100})],
		['a preset\'s rate lifted', {preset: 'short-code', rate: 'none'}, sender({window: 10})],
		['a rate given to smpp', {preset: 'smpp', rate: '20'}, sender({window: 10, rate: 20})],
	])('%s', (_name, flags, spec) => {
		expect(oneSender(flags)).toStrictEqual(spec);
	});

	test.each<[RawFlags, string]>([
		[{window: '0'}, '--window must be 1 or more, got "0"'],
		[{window: '1.5'}, '--window must be a whole number, got "1.5"'],
		[{window: 'wide'}, '--window must be a whole number, got "wide"'],
		[{window: '100001'}, '--window must be at most 100,000, got "100001"'],
		[{rate: '0'}, '--rate must be a number above 0 or "none", got "0"'],
		[{rate: '-1'}, '--rate must be a number above 0 or "none", got "-1"'],
		[{rate: 'fast'}, '--rate must be a number above 0 or "none", got "fast"'],
		[{rate: '1e999'}, '--rate must be a number above 0 or "none", got "1e999"'],
		[{price: '-0.01'}, '--price must be a number, 0 or more, got "-0.01"'],
		[{price: 'free'}, '--price must be a number, 0 or more, got "free"'],
		[{preset: 'shortcode'}, '--preset must be one of short-code, toll-free, long-code, smpp (did you mean short-code?), got "shortcode"'],
		[{preset: 'tollfree'}, '--preset must be one of short-code, toll-free, long-code, smpp (did you mean toll-free?), got "tollfree"'],
		[{preset: 'pigeon'}, '--preset must be one of short-code, toll-free, long-code, smpp, got "pigeon"'],
	])('%j: %s', (flags, message) => {
		expect(refusalOf(() => resolve(flags))).toBe(message);
	});
});

describe('sender keys in --sender', () => {
	test.each<[string, RawFlags, SenderSpec[]]>([
		['every new key', {sender: ['window=5,rate=20,price=0.01']}, [sender({window: 5, rate: 20, price: 0.01})]],
		['a preset', {sender: ['preset=toll-free,count=2']}, [sender({window: 1, rate: 3}), sender({window: 1, rate: 3})]],
		['an explicit key wins after the preset', {sender: ['preset=short-code,rate=50']}, [sender({window: 10, rate: 50})]],
		['an explicit key wins before the preset', {sender: ['rate=50,preset=short-code']}, [sender({window: 10, rate: 50})]],
		['keys left out take the flags\' values', {preset: 'short-code', price: '0.02', sender: ['window=3']}, [sender({window: 3, rate: 100, price: 0.02})]],
		['its own preset wins over the flags\' rate', {rate: '7', sender: ['preset=toll-free']}, [sender({window: 1, rate: 3})]],
		['smpp lifts the flags\' preset rate', {preset: 'short-code', sender: ['preset=smpp']}, [sender({window: 10})]],
		['rate=none lifts the flags\' rate', {rate: '7', sender: ['rate=none']}, [sender()]],
	])('%s', (_name, flags, senders) => {
		expect(resolve({senders: '0', ...flags}).senders).toStrictEqual(senders);
	});

	test.each<[string, string]>([
		['window=0', '--sender "window=0": window must be 1 or more, got "0"'],
		['rate=0', '--sender "rate=0": rate must be a number above 0 or "none", got "0"'],
		['price=-1', '--sender "price=-1": price must be a number, 0 or more, got "-1"'],
		['preset=short', '--sender "preset=short": preset must be one of short-code, toll-free, long-code, smpp, got "short"'],
		['preset=smpp,preset=smpp', '--sender "preset=smpp,preset=smpp": preset repeats preset; give one of them'],
		['windw=3', '--sender "windw=3": windw is not a known key (did you mean window?)'],
	])('%j: %s', (spec, message) => {
		expect(refusalOf(() => resolve({sender: [spec]}))).toBe(message);
	});
});

describe('sender keys in a config file', () => {
	test.each<[string, string, RawFlags, SenderSpec[]]>([
		['top-level keys fill every sender', 'preset: short-code\nprice: 0.01\nsenders: [{}, {window: 2}]', {}, [
			sender({window: 10, rate: 100, price: 0.01}),
			sender({window: 2, rate: 100, price: 0.01}),
		]],
		['a sender\'s own keys', 'senders:\n  - {window: 4, rate: 8.5, price: 0, preset: long-code}\n', {}, [sender({window: 4, rate: 8.5, price: 0})]],
		['a rate of null is no cap', 'rate: 5\nsenders: [{rate: null}]', {}, [sender()]],
		['a flag overrides the file\'s preset key by key', 'preset: short-code\nsenders: 1', {rate: '30'}, [sender({window: 10, rate: 30})]],
		['a flag preset overrides the file\'s rate', 'rate: 30\nsenders: 1', {preset: 'toll-free'}, [sender({window: 1, rate: 3})]],
	])('%s', (_name, text, flags, senders) => {
		expect(withFile(text, flags).senders).toStrictEqual(senders);
	});

	test.each<[string, string]>([
		['window: 0', 'cfg.yaml:1:9: window must be 1 or more, got 0'],
		['senders:\n  - {rate: -5}\n', 'cfg.yaml:2:12: senders[0].rate must be a number above 0 or "none", got -5'],
		['senders:\n  - {price: cheap}\n', 'cfg.yaml:2:13: senders[0].price must be a number, 0 or more, got "cheap"'],
		['preset: short_cod', 'cfg.yaml:1:9: preset must be one of short-code, toll-free, long-code, smpp (did you mean short-code?), got "short_cod"'],
	])('%j: %s', (text, message) => {
		expect(refusalOf(() => withFile(text))).toBe(message);
	});
});

describe('sender keys in a script', () => {
	test('add takes them, with the flags\' for the keys it leaves out', () => {
		expect(withScript('- {at: 1s, add: {preset: toll-free, price: 0.03}}', {preset: 'short-code'}).script).toStrictEqual([
			{simMs: 1000, add: sender({window: 1, rate: 3, price: 0.03})},
		]);
	});

	test.each<[string, object]>([
		['{sender: 1, window: 20}', {sender: 1, window: 20}],
		['{sender: 1, rate: 7}', {sender: 1, rate: 7}],
		['{sender: 1, price: 0.5}', {sender: 1, price: 0.5}],
		['{sender: 1, preset: long-code}', {sender: 1, window: 1, rate: 1}],
		['{sender: 1, preset: short-code, window: 2}', {sender: 1, window: 2, rate: 100}],
		// A tune that lifts the cap says so: rate is there, undefined.
		['{sender: 1, preset: smpp}', {sender: 1, window: 10, rate: undefined}],
		['{sender: 1, rate: none}', {sender: 1, rate: undefined}],
		['{sender: 1, rate: null}', {sender: 1, rate: undefined}],
	])('tune %s', (tune, patch) => {
		const [action] = withScript(`- {at: 2s, tune: ${tune}}`).script;
		expect(action).toStrictEqual({simMs: 2000, tune: patch});
		expect(Object.keys((action as {tune: object}).tune)).toStrictEqual(Object.keys(patch));
	});

	test.each<[string, string]>([
		['- {at: 1s, tune: {sender: 1, window: 0}}', 's.yaml:1:38: [0].tune.window must be 1 or more, got 0'],
		['- {at: 1s, add: {rate: 0}}', 's.yaml:1:24: [0].add.rate must be a number above 0 or "none", got 0'],
	])('%j: %s', (text, message) => {
		expect(refusalOf(() => withScript(text))).toBe(message);
	});
});
