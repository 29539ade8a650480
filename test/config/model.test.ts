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
		['{sender: 1, preset: smpp, rate: 20}', {sender: 1, window: 10, rate: 20}],
	])('tune %s', (tune, patch) => {
		const [action] = withScript(`- {at: 2s, tune: ${tune}}`).script;
		expect(action).toStrictEqual({simMs: 2000, tune: patch});
		expect(Object.keys((action as {tune: object}).tune)).toStrictEqual(Object.keys(patch));
	});

	test.each<[string, string]>([
		['- {at: 1s, tune: {sender: 1, window: 0}}', 's.yaml:1:38: [0].tune.window must be 1 or more, got 0'],
		['- {at: 1s, add: {rate: 0}}', 's.yaml:1:24: [0].add.rate must be a number above 0 or "none", got 0'],
		// A report keeps no undefined: a tune that lifted a cap could not be replayed.
		['- {at: 1s, tune: {sender: 1, rate: none}}', 's.yaml:1:36: [0].tune.rate lifts the rate cap, which a tune cannot do (a --report could not replay it): give a rate in submits/s'],
		['- {at: 1s, tune: {sender: 1, rate: null}}', 's.yaml:1:36: [0].tune.rate lifts the rate cap, which a tune cannot do (a --report could not replay it): give a rate in submits/s'],
		['- {at: 1s, tune: {sender: 1, preset: smpp}}', 's.yaml:1:38: [0].tune.preset sets no rate (smpp), which a tune cannot do (a --report could not replay it): give a rate in submits/s'],
	])('%j: %s', (text, message) => {
		expect(refusalOf(() => withScript(text))).toBe(message);
	});
});

/** The delivery keys of Settings: everything RunSettings adds for the model. */
const deliveryOf = (flags: RawFlags, files: Record<string, string> = {}) => {
	const {text, gatewayRate, backoffMs, invalid, delivery, validityMs} = resolve(flags, files);
	return Object.fromEntries(Object.entries({text, gatewayRate, backoffMs, invalid, delivery, validityMs}).filter(([, value]) => value !== undefined));
};

describe('run keys as flags', () => {
	test('none given: none of the keys is there at all', () => {
		const settings = resolve({});
		for (const key of ['text', 'gatewayRate', 'backoffMs', 'invalid', 'delivery', 'validityMs']) expect(settings).not.toHaveProperty(key);
	});

	test.each<[string, RawFlags, object]>([
		['a text', {text: 'Evacuate now'}, {text: 'Evacuate now'}],
		['a text\'s trailing line breaks are dropped', {text: 'Evacuate\nnow\r\n\n'}, {text: 'Evacuate\nnow'}],
		['a text of 255 segments', {text: 'a'.repeat(153 * 255)}, {text: 'a'.repeat(153 * 255)}],
		['a text from a file', {text: '@alert.txt'}, {text: 'Leave the coast \u{1F6A8}'}],
		['a gateway rate', {gatewayRate: '1000'}, {gatewayRate: 1000}],
		['a fractional gateway rate', {gatewayRate: '0.5'}, {gatewayRate: 0.5}],
		['a backoff', {backoff: '250ms'}, {backoffMs: 250}],
		['a backoff in bare seconds', {backoff: '2'}, {backoffMs: 2000}],
		['an invalid share', {invalid: '0.02'}, {invalid: 0.02}],
		['no invalid numbers', {invalid: '0'}, {invalid: 0}],
		['a validity', {validity: '24h'}, {validityMs: 86_400_000}],
		['receipts: mean only', {delivery: 'mean=8s'}, {delivery: {meanMs: 8000, distribution: 'gamma', undelivered: 0}}],
		[
			'receipts: every key',
			{delivery: 'mean=8s,distribution=lognormal,spread=2s,undelivered=0.02'},
			{delivery: {meanMs: 8000, distribution: 'lognormal', spreadMs: 2000, undelivered: 0.02}},
		],
		['receipts: keys in any order and spelling', {delivery: ' undelivered = 0.5 , distribution=Constant,mean=0.5'}, {delivery: {meanMs: 500, distribution: 'constant', undelivered: 0.5}}],
		[
			'every key',
			{text: 'hi', gatewayRate: '10', backoff: '1s', invalid: '1', delivery: 'mean=1s', validity: '1m'},
			{text: 'hi', gatewayRate: 10, backoffMs: 1000, invalid: 1, delivery: {meanMs: 1000, distribution: 'gamma', undelivered: 0}, validityMs: 60_000},
		],
	])('%s', (_name, flags, expected) => {
		expect(deliveryOf(flags, {'alert.txt': '\uFEFFLeave the coast \u{1F6A8}\n'})).toStrictEqual(expected);
	});

	const refusals: Array<[RawFlags, string]> = [
		[{text: ''}, '--text must not be empty, got ""'],
		[{text: '  \n'}, '--text must not be empty, got a text of 3 characters (not shown)'],
		[{text: 'a'.repeat(153 * 255 + 1)}, '--text is 256 GSM-7 segments, more than the 255 one message can be'],
		[{text: '中'.repeat(67 * 255 + 1)}, '--text is 256 UCS-2 segments, more than the 255 one message can be'],
		[{text: '@gone.txt'}, '--text cannot read "gone.txt": no such file'],
		[{text: '@'}, '--text needs a file name'],
		[{text: '@empty.txt'}, '--text "empty.txt" is empty'],
		[{text: '@big.txt'}, '--text "@big.txt" is 256 GSM-7 segments, more than the 255 one message can be'],
		[{gatewayRate: '0'}, '--gateway-rate must be a number above 0, got "0"'],
		[{gatewayRate: '-5'}, '--gateway-rate must be a number above 0, got "-5"'],
		[{gatewayRate: 'lots'}, '--gateway-rate must be a number above 0, got "lots"'],
		[{backoff: '0'}, '--backoff must be longer than 0, got "0"'],
		[{backoff: '100'}, '--backoff 100: did you mean 100ms or 100s?'],
		[{backoff: 'soon'}, '--backoff must be a duration such as 250ms, 1.5s or 0.2 (seconds), got "soon"'],
		[{invalid: '1.5'}, '--invalid must be between 0 and 1, got "1.5"'],
		[{invalid: '2%'}, '--invalid must be a number between 0 and 1, got "2%"'],
		[{validity: '0s'}, '--validity must be longer than 0, got "0s"'],
		[{validity: '48'}, '--validity 48: did you mean 48ms or 48s?'],
		[{delivery: ''}, '--delivery "" needs settings such as "mean=8s,distribution=lognormal,undelivered=0.02"'],
		[{delivery: '8s'}, '--delivery "8s" has "8s" where key=value belongs, such as mean=8s'],
		[{delivery: 'distribution=lognormal'}, '--delivery "distribution=lognormal" needs mean: the receipt\'s mean delay after acceptance, such as "mean=8s,distribution=lognormal,undelivered=0.02"'],
		[{delivery: 'mean=soon'}, '--delivery "mean=soon": mean must be a duration such as 250ms, 1.5s or 0.2 (seconds), got "soon"'],
		[{delivery: 'mean=80'}, '--delivery "mean=80": mean 80: did you mean 80ms or 80s?'],
		[{delivery: 'mean=8s,undelivered=2'}, '--delivery "mean=8s,undelivered=2": undelivered must be between 0 and 1, got "2"'],
		[{delivery: 'mean=8s,distribution=gama'}, '--delivery "mean=8s,distribution=gama": distribution must be one of gamma, exponential, normal, lognormal, uniform, constant (did you mean gamma?), got "gama"'],
		[{delivery: 'mean=8s,distribution=constant,spread=1s'}, '--delivery "mean=8s,distribution=constant,spread=1s": spread is refused for the constant distribution, which has no spread'],
		[{delivery: 'mean=8s,distribution=uniform,spread=9s'}, '--delivery "mean=8s,distribution=uniform,spread=9s": spread must be at most the mean (8s) for the uniform distribution, so that no time is negative, got 9s'],
		[{delivery: 'mean=8s,mean=9s'}, '--delivery "mean=8s,mean=9s": mean repeats mean; give one of them'],
		[{delivery: 'mean=8s,expiry=1h'}, '--delivery "mean=8s,expiry=1h": expiry is not a known key (keys: mean, distribution, spread, undelivered)'],
		[{gatewayRte: '5'}, '--gateway-rte is not a known flag (did you mean --gateway-rate?)'],
	];
	// Named by the message: some texts are too long for a test's name.
	test.each(refusals.map(([flags, message]) => [message, flags] as const))('%s', (message, flags) => {
		const files = {'empty.txt': '\n', 'big.txt': 'a'.repeat(153 * 255 + 1)};
		expect(refusalOf(() => resolve(flags, files))).toBe(message);
	});
});

describe('run keys in a config file', () => {
	test.each<[string, string, RawFlags, object]>([
		[
			'snake_case keys, delivery as a map',
			'text: Evacuate now\ngateway_rate: 1000\nbackoff: 2s\ninvalid: 0.02\nvalidity: 24h\ndelivery: {mean: 8s, distribution: lognormal, spread: 2s, undelivered: 0.02}\n',
			{},
			{text: 'Evacuate now', gatewayRate: 1000, backoffMs: 2000, invalid: 0.02, validityMs: 86_400_000, delivery: {meanMs: 8000, distribution: 'lognormal', spreadMs: 2000, undelivered: 0.02}},
		],
		['camelCase keys', '{"gatewayRate": 5, "delivery": {"mean": 10}}', {}, {gatewayRate: 5, delivery: {meanMs: 10_000, distribution: 'gamma', undelivered: 0}}],
		['delivery as the flag\'s string', 'delivery: "mean=8s,undelivered=0.1"', {}, {delivery: {meanMs: 8000, distribution: 'gamma', undelivered: 0.1}}],
		['a text over several lines, its last line break dropped', 'text: |\n  Leave the coast.\n  Go uphill.\n', {}, {text: 'Leave the coast.\nGo uphill.'}],
		['a text starting with @ is the text itself', 'text: "@home: stay in"', {}, {text: '@home: stay in'}],
		['a flag replaces the file\'s key', 'gateway_rate: 5\ninvalid: 0.1', {gatewayRate: '7'}, {gatewayRate: 7, invalid: 0.1}],
		['--delivery replaces the file\'s whole map', 'delivery: {mean: 8s, undelivered: 0.5}', {delivery: 'mean=1s'}, {delivery: {meanMs: 1000, distribution: 'gamma', undelivered: 0}}],
	])('%s', (_name, text, flags, expected) => {
		expect(deliveryOf({config: 'cfg.yaml', ...flags}, {'cfg.yaml': text})).toStrictEqual(expected);
	});

	test.each<[string, string]>([
		['text: ""', 'cfg.yaml:1:7: text must not be empty, got ""'],
		['text: 5', 'cfg.yaml:1:7: text must be the alert\'s text, got 5'],
		['gateway_rate: 0', 'cfg.yaml:1:15: gateway_rate must be a number above 0, got 0'],
		['backoff: -1s', 'cfg.yaml:1:10: backoff must not be negative, got "-1s"'],
		['invalid: 2', 'cfg.yaml:1:10: invalid must be between 0 and 1, got 2'],
		['validity: 0', 'cfg.yaml:1:11: validity must be longer than 0, got 0'],
		['delivery: 5', 'cfg.yaml:1:11: delivery must be a map such as {mean: 8s, distribution: lognormal, undelivered: 0.02}, got 5'],
		['delivery: {distribution: gamma}', 'cfg.yaml:1:11: delivery needs mean: the receipt\'s mean delay after acceptance, such as "mean=8s,distribution=lognormal,undelivered=0.02"'],
		['delivery:\n  mean: 8s\n  undelivered: -1\n', 'cfg.yaml:3:16: delivery.undelivered must be between 0 and 1, got -1'],
		['delivery: {mean: 8s, mean_ms: 5}', 'cfg.yaml:1:22: delivery.mean_ms repeats mean; give one of them'],
		['gateway_rat: 5', 'cfg.yaml:1:1: gateway_rat is not a known key (did you mean gateway_rate?)'],
	])('%j: %s', (text, message) => {
		expect(refusalOf(() => withFile(text))).toBe(message);
	});
});

describe('--replay reads the delivery keys back', () => {
	const report = {
		type: 'summary',
		settings: {
			messages: 50,
			senders: [{meanMs: 20, failureRate: 0.1, distribution: 'gamma', window: 10, rate: 100, price: 0.0079}, {meanMs: 20, failureRate: 0.1, distribution: 'gamma'}],
			retries: 1,
			seed: 7,
			intervalMs: 1000,
			thresholds: ['reach95<1m'],
			text: 'Leave the coast \u{1F6A8}\n',
			gatewayRate: 1000,
			backoffMs: 1000,
			invalid: 0.02,
			delivery: {meanMs: 8000, distribution: 'lognormal', spreadMs: 2000, undelivered: 0.02},
			validityMs: 172_800_000,
		},
		actions: [{simMs: 5000, tune: {sender: 1, window: 2, rate: 40}}],
		notes: [],
	};
	const replay = (text: string) => resolve({replay: 'r.json'}, {'r.json': text});
	const edited = (edit: (r: any) => void) => {
		const copy = structuredClone(report);
		edit(copy);
		return JSON.stringify(copy, null, 2);
	};

	test('every key the report carries, exactly (the text is not trimmed)', () => {
		const settings = replay(JSON.stringify(report));
		const {text, gatewayRate, backoffMs, invalid, delivery, validityMs, senders, script} = settings;
		expect({text, gatewayRate, backoffMs, invalid, delivery, validityMs}).toStrictEqual({
			text: report.settings.text,
			gatewayRate: 1000,
			backoffMs: 1000,
			invalid: 0.02,
			delivery: report.settings.delivery,
			validityMs: 172_800_000,
		});
		expect(senders).toStrictEqual(report.settings.senders);
		expect(script).toStrictEqual([{simMs: 5000, tune: {sender: 1, window: 2, rate: 40}}]);
	});

	test('a report without them replays without them', () => {
		const settings = replay(edited(r => {
			for (const key of ['text', 'gatewayRate', 'backoffMs', 'invalid', 'delivery', 'validityMs']) delete r.settings[key];
		}));
		for (const key of ['text', 'gatewayRate', 'backoffMs', 'invalid', 'delivery', 'validityMs']) expect(settings).not.toHaveProperty(key);
	});

	test.each<[(r: any) => void, string]>([
		[r => (r.settings.text = ''), 'settings.text must not be empty, got ""'],
		[r => (r.settings.gatewayRate = 0), 'settings.gatewayRate must be a number above 0, got 0'],
		[r => (r.settings.backoffMs = -1), 'settings.backoffMs must not be negative, got -1'],
		[r => (r.settings.invalid = 1.5), 'settings.invalid must be between 0 and 1, got 1.5'],
		[r => (r.settings.validityMs = 0), 'settings.validityMs must be more than 0, got 0'],
		[r => (r.settings.delivery = 'mean=8s'), 'settings.delivery must be a map such as {mean: 8s, distribution: lognormal, undelivered: 0.02}, got "mean=8s"'],
		[r => delete r.settings.delivery.meanMs, 'settings.delivery needs mean: the receipt\'s mean delay after acceptance, such as "mean=8s,distribution=lognormal,undelivered=0.02"'],
		[r => (r.settings.delivery.undelivered = 2), 'settings.delivery.undelivered must be between 0 and 1, got 2'],
		[r => (r.settings.delivery.distribution = 'uniform', r.settings.delivery.spreadMs = 9000), 'settings.delivery.spreadMs must be at most the mean (8s) for the uniform distribution, so that no time is negative, got 9s'],
		[r => (r.settings.delivery.distribution = 'constant'), 'settings.delivery.spreadMs is refused for the constant distribution, which has no spread'],
		[r => (r.settings.senders[0].window = 0), 'settings.senders[0].window must be 1 or more, got 0'],
		[r => (r.settings.senders[0].rate = -1), 'settings.senders[0].rate must be a number above 0 or "none", got -1'],
		[r => (r.settings.senders[0].price = 'free'), 'settings.senders[0].price must be a number, 0 or more, got "free"'],
		[r => (r.actions[0].tune.window = 1.5), 'actions[0].tune.window must be a whole number, got 1.5'],
	])('%#: %s', (edit, message) => {
		expect(refusalOf(() => replay(edited(edit)))).toContain(message);
	});
});

test.each<[RawFlags, string]>([
	[{window: '2'}, '--window'],
	[{rate: '2'}, '--rate'],
	[{price: '2'}, '--price'],
	[{preset: 'smpp'}, '--preset'],
	[{text: 'hi'}, '--text'],
	[{gatewayRate: '5'}, '--gateway-rate'],
	[{backoff: '1s'}, '--backoff'],
	[{invalid: '0.1'}, '--invalid'],
	[{delivery: 'mean=1s'}, '--delivery'],
	[{validity: '1h'}, '--validity'],
])('%j is refused with --replay: the report gives it', (flags, label) => {
	expect(refusalOf(() => resolve({replay: 'r.json', ...flags}))).toMatch(new RegExp(`^${label} cannot be used with --replay`));
});

describe('with --smpp, what the SMSC decides is refused wherever it is given', () => {
	const smpp = 'smpp://alerts:pw@127.0.0.1:2775';
	test.each<[string, () => unknown, string]>([
		['a file\'s mean', () => withFile('mean: 50ms\n', {smpp}), 'cfg.yaml:1:7: mean is refused with --smpp: the SMSC decides how long a submit takes'],
		['a file sender\'s failure rate', () => withFile('senders:\n  - {window: 4, failure_rate: 0.9}\n', {smpp}), 'cfg.yaml:2:31: senders[0].failure_rate is refused with --smpp: the SMSC decides which submits fail'],
		['a file\'s spread', () => withFile('spread: 5ms\n', {smpp}), 'spread is refused with --smpp'],
		['a file\'s failover', () => withFile('failover: 1s\n', {smpp}), 'failover is refused with --smpp'],
		['a file\'s invalid share', () => withFile('invalid: 0.1\n', {smpp}), 'cfg.yaml:1:10: invalid is refused with --smpp: the SMSC decides which numbers are invalid'],
		['a file\'s receipts', () => withFile('delivery: {mean: 8s}\n', {smpp}), 'delivery is refused with --smpp: the SMSC sends the receipts'],
		['a file\'s gateway cap', () => withFile('gateway_rate: 100\n', {smpp}), 'gateway_rate is refused with --smpp'],
		['a file\'s speed', () => withFile('speed: 5\n', {smpp}), 'cfg.yaml:1:8: speed is refused with --smpp: an SMPP run is real time'],
		['a --sender\'s distribution', () => resolve({smpp, sender: ['window=3,distribution=exponential']}), 'distribution is refused with --smpp'],
		['a --sender\'s max wait', () => resolve({smpp, sender: ['max-wait=1s']}), 'is refused with --smpp: the SMSC decides how long a submit takes (see --submit-timeout)'],
	])('%s', (_, run, words) => {
		expect(refusalOf(run)).toContain(words);
	});

	test('what a bind has (window, rate, price, preset, validity, backoff, text) is taken', () => {
		const settings = withFile('window: 4\nrate: 20\nprice: 0.01\nvalidity: 1m\nbackoff: 2s\ntext: hello\nsenders:\n  - {preset: short-code, count: 2}\n', {smpp, sender: ['window=3,rate=5']});
		expect(settings.senders).toHaveLength(3);
		expect(settings.senders[2]).toMatchObject({window: 3, rate: 5});
		expect(settings.validityMs).toBe(60_000);
		// Without --smpp the same keys that are refused with it are taken.
		expect(withFile('mean: 50ms\ninvalid: 0.1\nspeed: 5\n').senders[0]!.meanMs).toBe(50);
	});
});
