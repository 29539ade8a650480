import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import type {RawFlags} from '../../source/config/flags.js';
import {type ConfigIo, resolveSettings} from '../../source/config/resolve.js';
import type {SenderSpec} from '../../source/engine/types.js';
import {groupSenders} from '../../source/report/sender-runs.js';
import type {Settings} from '../../source/settings.js';
import {refusalOf} from '../helpers/refusal.js';
import {testSettings} from '../helpers/settings.js';

const randomSeed = 1234;

/** An io over an in-memory set of files, failing like Node's fs does. */
function memoryIo(files: Record<string, string>): ConfigIo {
	return {
		readFile(path) {
			if (path.endsWith('/')) {
				throw Object.assign(new Error('EISDIR: illegal operation on a directory, read'), {code: 'EISDIR'});
			}

			const text = files[path];
			if (text === undefined) {
				throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {code: 'ENOENT'});
			}

			return text;
		},
		randomSeed: () => randomSeed,
	};
}

const resolve = (flags: RawFlags, files: Record<string, string> = {}) => resolveSettings(flags, memoryIo(files));
/** Resolves `flags` with the config file `cfg.yaml` holding `text`. */
const withFile = (text: string, flags: RawFlags = {}) => resolve({config: 'cfg.yaml', ...flags}, {'cfg.yaml': text});
/** Resolves `flags` with the script file `s.yaml` holding `text`. */
const withScript = (text: string, flags: RawFlags = {}) => resolve({script: 's.yaml', ...flags}, {'s.yaml': text});

const sender = (meanMs: number, failureRate = 0.1, more: Partial<SenderSpec> = {}): SenderSpec => ({
	meanMs,
	failureRate,
	distribution: 'gamma',
	...more,
});
const times = (count: number, spec: SenderSpec) => Array.from({length: count}, () => spec);

/** The documented defaults: 1,000 messages from three senders of 100 ms, speed 1, the dashboard, a random seed. */
const defaultSettings = testSettings({
	messages: 1000,
	senders: times(3, sender(100)),
	retries: 0,
	seed: randomSeed,
	intervalMs: 1000,
	speed: 1,
	headless: false,
	json: false,
	isSeedGiven: false,
});

describe('flags', () => {
	test('no flags give the documented defaults, with a random seed', () => {
		expect(resolve({})).toStrictEqual(defaultSettings);
	});

	test('meow\'s empty list for a repeatable flag that was not given changes nothing', () => {
		expect(resolve({sender: [], threshold: []})).toStrictEqual(defaultSettings);
	});

	test.each<[string, RawFlags, Partial<Settings>]>([
		['messages', {messages: '5000'}, {messages: 5000}],
		['messages in exponent form', {messages: '1e6'}, {messages: 1_000_000}],
		['no messages', {messages: '0'}, {messages: 0}],
		['messages at the limit', {messages: '1000000000'}, {messages: 1e9}],
		['no senders', {senders: '0'}, {senders: []}],
		[
			'senders with the flags\' settings',
			{senders: '2', mean: '50ms', failureRate: '0.2', distribution: 'exponential'},
			{senders: times(2, sender(50, 0.2, {distribution: 'exponential'}))},
		],
		['a mean in bare seconds', {senders: '1', mean: '0.2'}, {senders: [sender(200)]}],
		['failure rate 0', {senders: '1', failureRate: '0'}, {senders: [sender(100, 0)]}],
		['failure rate 1', {senders: '1', failureRate: '1'}, {senders: [sender(100, 1)]}],
		[
			'uniform spread up to the mean',
			{senders: '1', mean: '50ms', distribution: 'uniform', spread: '50ms'},
			{senders: [sender(50, 0.1, {distribution: 'uniform', spreadMs: 50})]},
		],
		[
			'normal spread up to twice the mean',
			{senders: '1', distribution: 'normal', spread: '200ms'},
			{senders: [sender(100, 0.1, {distribution: 'normal', spreadMs: 200})]},
		],
		['a distribution in capitals', {senders: '1', distribution: 'LogNormal'}, {senders: [sender(100, 0.1, {distribution: 'lognormal'})]}],
		['max wait', {senders: '1', maxWait: '1s'}, {senders: [sender(100, 0.1, {maxWaitMs: 1000})]}],
		['failover', {senders: '1', failover: '10m'}, {senders: [sender(100, 0.1, {failoverMs: 600_000})]}],
		['interval in seconds', {interval: '2'}, {intervalMs: 2000}],
		['interval with a unit', {interval: '500ms'}, {intervalMs: 500}],
		['retries at the limit', {retries: '100'}, {retries: 100}],
		['seed 0', {seed: '0'}, {seed: 0, isSeedGiven: true}],
		['the largest seed', {seed: '4294967295'}, {seed: 4_294_967_295, isSeedGiven: true}],
		['speed max', {speed: 'max'}, {speed: Number.POSITIVE_INFINITY}],
		['speed 60', {speed: '60'}, {speed: 60}],
		['speed below 1', {speed: '0.5'}, {speed: 0.5}],
		['booleans', {headless: true, json: true, exitOnDone: true}, {headless: true, json: true, exitOnDone: true}],
		['paths', {log: 'out.jsonl', report: 'r.json', html: 'r.html'}, {logPath: 'out.jsonl', reportPath: 'r.json', htmlPath: 'r.html'}],
		[
			'thresholds',
			{threshold: ['p95<250ms', 'failed<5%']},
			{
				thresholds: [
					{expr: 'p95<250ms', metric: 'p95', op: '<', value: 250, isPercent: false},
					{expr: 'failed<5%', metric: 'failed', op: '<', value: 5, isPercent: true},
				],
			},
		],
	])('%s', (_name, flags, expected) => {
		expect(resolve(flags)).toStrictEqual({...defaultSettings, ...expected});
	});

	test.each<[RawFlags, string[]]>([
		[{messages: 'abc'}, ['--messages', 'whole number', '"abc"']],
		[{messages: '1.5'}, ['--messages', 'whole number']],
		[{messages: '-3'}, ['--messages', '0 or more']],
		[{messages: '2000000000'}, ['--messages', 'at most 1,000,000,000']],
		[{messages: ''}, ['--messages', 'whole number', '""']],
		[{senders: 'three'}, ['--senders', 'whole number']],
		[{senders: '200000'}, ['--senders', 'at most 100,000']],
		[{mean: 'abc'}, ['--mean', 'duration such as 250ms']],
		[{mean: '-5ms'}, ['--mean', 'negative']],
		[{failureRate: '1.5'}, ['--failure-rate', 'between 0 and 1', '1.5']],
		[{failureRate: '-0.1'}, ['--failure-rate', 'between 0 and 1']],
		[{failureRate: 'high'}, ['--failure-rate', 'between 0 and 1']],
		[{distribution: 'gama'}, ['--distribution', 'did you mean gamma?']],
		[{distribution: 'weibull'}, ['--distribution', 'one of gamma, exponential, normal, lognormal, uniform, constant']],
		[{distribution: 'constant', spread: '10ms'}, ['--spread', 'refused', 'constant']],
		[{distribution: 'exponential', spread: '10ms'}, ['--spread', 'refused', 'exponential']],
		[{distribution: 'uniform', mean: '50ms', spread: '60ms'}, ['--spread', 'at most the mean (50ms)', 'uniform', 'negative']],
		[{distribution: 'normal', spread: '201ms'}, ['--spread', 'at most twice the mean (200ms)', 'normal']],
		[{maxWait: 'x'}, ['--max-wait', 'duration']],
		[{failover: '-1s'}, ['--failover', 'negative']],
		[{interval: '0'}, ['--interval', 'at least 1ms']],
		[{interval: '0.0005'}, ['--interval', 'at least 1ms']],
		[{interval: '-1'}, ['--interval', 'negative']],
		[{retries: '101'}, ['--retries', 'at most 100']],
		[{retries: '1.5'}, ['--retries', 'whole number']],
		[{seed: '4294967296'}, ['--seed', 'at most 4,294,967,295']],
		[{seed: '-1'}, ['--seed', '0 or more']],
		[{seed: 'random'}, ['--seed', 'whole number']],
		[{speed: '0'}, ['--speed', 'above 0']],
		[{speed: '-2'}, ['--speed', 'above 0']],
		[{speed: 'fast'}, ['--speed', '"max"', '"fast"']],
		[{log: ''}, ['--log', 'file name']],
		[{report: ' '}, ['--report', 'file name']],
		[{config: ''}, ['--config', 'needs a file name']],
		[{script: ''}, ['--script', 'needs a file name']],
		[{threshold: ['p59<250ms']}, ['--threshold', 'did you mean p95?']],
		[{threshold: ['p95<250ms', 'p95<250']}, ['--threshold', 'needs a unit']],
		[{mesages: '3'}, ['--mesages is not a known flag', 'did you mean --messages?']],
		[{maxWiat: '1s'}, ['--max-wiat', 'did you mean --max-wait?']],
		[{sendr: ['mean=5ms']}, ['--sendr', 'did you mean --sender?']],
		[{x: true}, ['-x is not a known flag', 'see --help']],
		[{mean: '100'}, ['--mean 100: did you mean 100ms or 100s?']],
		[{spread: '10'}, ['--spread 10: did you mean 10ms or 10s?']],
		[{maxWait: ' 250.5 '}, ['--max-wait 250.5: did you mean 250.5ms or 250.5s?']],
		[{failover: '60'}, ['--failover 60: did you mean 60ms or 60s?']],
		[{interval: '10'}, ['--interval 10: did you mean 10ms or 10s?']],
		[{sender: ['mean=100']}, ['--sender "mean=100": mean 100: did you mean 100ms or 100s?']],
		[{sender: ['failover=20']}, ['failover 20: did you mean 20ms or 20s?']],
	])('%j is refused, naming %j', (flags, words) => {
		const message = refusalOf(() => resolve(flags));
		for (const word of words) {
			expect(message).toContain(word);
		}
	});
});

describe('--abort-on-fail', () => {
	test('the flag or the file\'s abort_on_fail; absent by default', () => {
		expect(resolve({}).abortOnFail).toBeUndefined();
		expect(resolve({abortOnFail: true}).abortOnFail).toBe(true);
		expect(withFile('abort_on_fail: true').abortOnFail).toBe(true);
		expect(withFile('abortOnFail: false').abortOnFail).toBeUndefined();
		expect(withFile('abort_on_fail: true', {abortOnFail: false}).abortOnFail).toBeUndefined();
		expect(refusalOf(() => withFile('abort_on_fail: yes please'))).toContain('abort_on_fail must be true or false');
	});
});

describe('a bare number for a duration', () => {
	test('below 10 on the command line it is seconds', () => {
		expect(resolve({mean: '9.99', interval: '2'})).toMatchObject({intervalMs: 2000, senders: times(3, sender(9990))});
		expect(resolve({senders: '0', sender: ['mean=0.2']}).senders).toEqual([sender(200)]);
	});

	test('in a file it is seconds at any size, as the seeds write it', () => {
		const settings = withFile('interval: 30\nsenders: [{mean: 100, failure_rate: 0.1}]');
		expect(settings).toMatchObject({intervalMs: 30_000, senders: [sender(100_000)]});
	});

	test('with a unit it is taken at any size', () => {
		expect(resolve({mean: '100ms', interval: '10s'})).toMatchObject({intervalMs: 10_000, senders: times(3, sender(100))});
	});
});

describe('--broker', () => {
	test('the senders are the workers\': none of this process\'s own unless asked for', () => {
		const url = 'redis://127.0.0.1:6379';
		expect(resolve({broker: url}).senders).toEqual([]);
		expect(resolve({broker: url, senders: '2'}).senders).toEqual(times(2, sender(100)));
		expect(resolve({broker: url, sender: ['mean=50ms']}).senders).toEqual([sender(50)]);
		expect(resolve({broker: url, config: 'c.yaml'}, {'c.yaml': 'senders: [{mean: 20ms}]'}).senders).toEqual([sender(20)]);
		expect(resolve({broker: url, config: 'c.yaml'}, {'c.yaml': 'senders: 4'}).senders).toHaveLength(4);
	});

	test('--wait-for-workers: a duration with its unit, only with --broker', () => {
		const url = 'redis://127.0.0.1:6379';
		expect(resolve({broker: url, waitForWorkers: '30s'}).waitForWorkersMs).toBe(30_000);
		expect(resolve({broker: url}).waitForWorkersMs).toBeUndefined();
		expect(refusalOf(() => resolve({broker: url, waitForWorkers: '30'}))).toBe('--wait-for-workers 30: did you mean 30ms or 30s?');
		expect(refusalOf(() => resolve({broker: url, waitForWorkers: '0'}))).toContain('--wait-for-workers must be longer than 0');
		expect(refusalOf(() => resolve({waitForWorkers: '30s'}))).toBe('--wait-for-workers waits for broker workers: it needs --broker redis://HOST:PORT');
	});

	test('--queue without --broker is one line', () => {
		expect(refusalOf(() => resolve({queue: 'alerts'}))).toBe('--queue names a broker queue: it needs --broker redis://HOST:PORT');
	});
});

describe('--sender', () => {
	test.each<[string, RawFlags, SenderSpec[]]>([
		[
			'adds to the default senders, count expanding',
			{sender: ['mean=50ms,failure-rate=0.2,distribution=exponential,count=3']},
			[...times(3, sender(100)), ...times(3, sender(50, 0.2, {distribution: 'exponential'}))],
		],
		['adds to the -s senders', {senders: '1', sender: ['failure-rate=0.5']}, [sender(100), sender(100, 0.5)]],
		[
			'keys left out take the flags\' values',
			{senders: '0', mean: '70ms', failureRate: '0.3', maxWait: '1s', sender: ['failure_rate=0.5', 'count=2']},
			[sender(70, 0.5, {maxWaitMs: 1000}), ...times(2, sender(70, 0.3, {maxWaitMs: 1000}))],
		],
		['every key', {senders: '0', sender: ['mean=10ms,failure-rate=0,distribution=uniform,spread=5ms,max-wait=8ms,failover=1s']}, [
			sender(10, 0, {distribution: 'uniform', spreadMs: 5, maxWaitMs: 8, failoverMs: 1000}),
		]],
		['count 0 adds none', {sender: ['count=0']}, times(3, sender(100))],
		['spaces and a trailing comma', {senders: '0', sender: [' mean = 5ms , ']}, [sender(5)]],
		['camelCase keys', {senders: '0', sender: ['failureRate=0.4,maxWait=1s']}, [sender(100, 0.4, {maxWaitMs: 1000})]],
		[
			'an inherited spread is dropped where the sender picks a distribution without one',
			{senders: '1', spread: '20ms', sender: ['distribution=constant']},
			[sender(100, 0.1, {spreadMs: 20}), sender(100, 0.1, {distribution: 'constant'})],
		],
	])('%s', (_name, flags, senders) => {
		expect(resolve(flags).senders).toStrictEqual(senders);
	});

	test('the senders of one group share one spec, which nothing can change in place', () => {
		const [first, second, third] = resolve({senders: '0', sender: ['count=2', 'mean=5ms']}).senders;
		expect(first).toBe(second);
		expect(first).not.toBe(third);
		expect(Object.isFrozen(first)).toBe(true);
		expect(() => Object.assign(first!, {meanMs: 1})).toThrow(TypeError);
	});

	test.each<[string, string[]]>([
		['mean=abc', ['--sender "mean=abc": mean', 'duration', '"abc"']],
		['failure-rte=0.2', ['--sender "failure-rte=0.2": failure-rte is not a known key', 'did you mean failure-rate?']],
		['failure_rte=0.2', ['did you mean failure_rate?']],
		['foo=1', ['foo is not a known key', 'keys: mean, failure-rate, distribution, spread, max-wait, failover, window, rate, price, preset, count']],
		['mean', ['--sender "mean"', 'key=value']],
		['=5ms', ['key=value']],
		['', ['--sender ""', 'needs settings']],
		[',', ['needs settings']],
		['mean=50ms,mean=60ms', ['mean repeats mean']],
		['mean=50ms,mean-time=0.1', ['mean-time repeats mean']],
		['count=1.5', ['count must be a whole number']],
		['count=-1', ['count must be 0 or more']],
		['count=200000', ['count must be at most 100,000']],
		['distribution=constant,spread=1ms', ['spread is refused for the constant distribution']],
		['distribution=uniform,mean=10ms', ['--sender "distribution=uniform,mean=10ms" takes spread 20ms from --spread', 'at most the mean (10ms)']],
		['failure-rate=2', ['failure-rate must be between 0 and 1, got "2"']],
	])('%j is refused, naming %j', (spec, words) => {
		const message = refusalOf(() => resolve({spread: '20ms', sender: [spec]}));
		for (const word of words) {
			expect(message).toContain(word);
		}
	});

	test('a total above the limit is refused before anything is built', () => {
		expect(refusalOf(() => resolve({senders: '60000', sender: ['count=60000']}))).toBe(
			'--sender "count=60000": count brings the senders to 120,000, more than the limit of 100,000',
		);
	});
});

describe('config file', () => {
	const designExample = `
messages: 10000            # or num_messages
interval: 2                # or report_period (seconds)
retries: 0
seed: 42
speed: 1
senders:
  - { mean: 50ms, failure_rate: 0.5 }
  - { mean_time: 0.1, failure_rate: 0.45 }          # mean_time: seconds
  - { mean: 200ms, failure_rate: 0.1, distribution: exponential, count: 5 }
  - { mean: 10ms, spread: 1ms, distribution: uniform, max_wait: 12ms }
`;

	test('the Rust peer\'s file', () => {
		const text = 'num_messages: 100\nreport_period: 2\nsenders:\n  - mean_time: 0.1\n    failure_rate: 0.45\n';
		expect(withFile(text)).toStrictEqual({...defaultSettings, messages: 100, intervalMs: 2000, senders: [sender(100, 0.45)]});
	});

	test.each<[string, string, Partial<Settings>]>([
		[
			'DESIGN.md\'s example',
			designExample,
			{
				messages: 10_000,
				intervalMs: 2000,
				seed: 42,
				isSeedGiven: true,
				senders: [
					sender(50, 0.5),
					sender(100, 0.45),
					...times(5, sender(200, 0.1, {distribution: 'exponential'})),
					sender(10, 0.1, {distribution: 'uniform', spreadMs: 1, maxWaitMs: 12}),
				],
			},
		],
		[
			'JSON with camelCase keys',
			'{"messages": 50, "senders": [{"mean": "50ms", "failureRate": 0.2, "maxWait": "1s"}], "exitOnDone": true, "reportPeriod": 0.5}',
			{messages: 50, senders: [sender(50, 0.2, {maxWaitMs: 1000})], exitOnDone: true, intervalMs: 500},
		],
		[
			'top-level sender settings fill the senders that leave them out',
			'mean: 70ms\nfailure_rate: 0.3\ndistribution: exponential\nfailover: 1s\nsenders:\n  - {}\n  - {mean: 10ms, distribution: gamma}\n',
			{
				senders: [
					sender(70, 0.3, {distribution: 'exponential', failoverMs: 1000}),
					sender(10, 0.3, {failoverMs: 1000}),
				],
			},
		],
		['a count of senders', 'senders: 5\nmean: 20ms', {senders: times(5, sender(20))}],
		['no senders', 'senders: []', {senders: []}],
		['every other key', 'speed: max\nseed: 0\nretries: 3\nheadless: true\njson: true\nexit_on_done: true\nlog: a.jsonl\nreport: r.json\nhtml: r.html\nthresholds: ["p95<1s", "sent>=99%"]\n', {
			speed: Number.POSITIVE_INFINITY,
			seed: 0,
			isSeedGiven: true,
			retries: 3,
			headless: true,
			json: true,
			exitOnDone: true,
			logPath: 'a.jsonl',
			reportPath: 'r.json',
			htmlPath: 'r.html',
			thresholds: [
				{expr: 'p95<1s', metric: 'p95', op: '<', value: 1000, isPercent: false},
				{expr: 'sent>=99%', metric: 'sent', op: '>=', value: 99, isPercent: true},
			],
		}],
		['one threshold as a string', 'thresholds: failed<=40', {thresholds: [{expr: 'failed<=40', metric: 'failed', op: '<=', value: 40, isPercent: false}]}],
		['numbers written as strings', 'messages: "20"\nfailure_rate: "0.5"\nsenders: 1', {messages: 20, senders: [sender(100, 0.5)]}],
		[
			'an inherited spread is dropped where a sender picks a distribution without one',
			'spread: 20ms\nsenders:\n  - {distribution: constant}\n  - {}\n',
			{senders: [sender(100, 0.1, {distribution: 'constant'}), sender(100, 0.1, {spreadMs: 20})]},
		],
		['comments only around a value', '# settings\nmessages: 7 # seven\n', {messages: 7}],
	])('%s', (_name, text, expected) => {
		expect(withFile(text)).toStrictEqual({...defaultSettings, ...expected});
	});

	test.each<[string, string, RawFlags, Partial<Settings>]>([
		['a flag overrides a value', 'messages: 10', {messages: '20'}, {messages: 20}],
		['a value stands without its flag', 'messages: 10\nseed: 5', {}, {messages: 10, seed: 5, isSeedGiven: true}],
		['--no-headless overrides the file', 'headless: true', {headless: false}, {headless: false}],
		['the file\'s boolean stands when the flag is not given', 'headless: true', {headless: undefined}, {headless: true}],
		['-s replaces the file\'s senders', 'senders: [{mean: 5ms}, {mean: 6ms}]', {senders: '4', mean: '30ms'}, {senders: times(4, sender(30))}],
		['-s senders take the file\'s top-level settings', 'mean: 70ms\nsenders: [{mean: 5ms}]', {senders: '2'}, {senders: times(2, sender(70))}],
		['-s replaces a count of senders', 'senders: 9', {senders: '1'}, {senders: [sender(100)]}],
		[
			'--sender adds to the file\'s senders',
			'senders: [{mean: 5ms}]',
			{sender: ['count=2,mean=6ms']},
			{senders: [sender(5), sender(6), sender(6)]},
		],
		[
			'a sender flag overrides the top-level key, not a sender\'s own',
			'mean: 70ms\nsenders: [{mean: 10ms}, {}]',
			{mean: '20ms'},
			{senders: [sender(10), sender(20)]},
		],
		[
			'--threshold replaces the file\'s thresholds',
			'thresholds: ["p95<1s"]',
			{threshold: ['avg<2s']},
			{thresholds: [{expr: 'avg<2s', metric: 'avg', op: '<', value: 2000, isPercent: false}]},
		],
	])('%s', (_name, text, flags, expected) => {
		expect(withFile(text, flags)).toStrictEqual({...defaultSettings, ...expected});
	});

	test.each<[string, string, string]>([
		// Exact messages: the key path as written and the line:column of the offending node.
		['a bad value', 'messages: abc', 'cfg.yaml:1:11: messages must be a whole number, got "abc"'],
		[
			'a bad value inside a sender',
			'seed: 1\nsenders:\n  - {mean: 50ms, failure_rate: 1.5}\n',
			'cfg.yaml:3:32: senders[0].failure_rate must be between 0 and 1, got 1.5',
		],
		[
			'the second sender, block style',
			'senders:\n  - mean: 5ms\n  - mean: 5ms\n    failure_rate: 1.5\n',
			'cfg.yaml:4:19: senders[1].failure_rate must be between 0 and 1, got 1.5',
		],
		['an unknown key', 'mesages: 5', 'cfg.yaml:1:1: mesages is not a known key (did you mean messages?)'],
		[
			'an unknown key inside a sender',
			'senders:\n  - mean: 5ms\n    failure_rte: 0.1\n',
			'cfg.yaml:3:5: senders[0].failure_rte is not a known key (did you mean failure_rate?)',
		],
		['an alias given twice', 'messages: 5\nnum_messages: 6', 'cfg.yaml:2:1: num_messages repeats messages; give one of them'],
		['a key and its empty value', 'seed: 1\nmean:\n', 'cfg.yaml:2:1: mean must be a duration such as 250ms, 1.5s or 0.2 (seconds), got nothing'],
		['a bad threshold', 'thresholds:\n  - p95<1s\n  - p59<1s\n', 'cfg.yaml:3:5: thresholds[1] has an unknown metric "p59" in "p59<1s" (did you mean p95?)'],
		['the root is a list', '- 1\n- 2\n', 'cfg.yaml:1:1: the file must be a map of settings such as "messages: 1000", got a list'],
		['a duplicate key', 'messages: 1\nmessages: 2\n', 'cfg.yaml:2:1: not valid YAML or JSON: Map keys must be unique'],
		['a tab as indentation', 'senders:\n\t- {}\n', 'cfg.yaml:2:1: not valid YAML or JSON: Tabs are not allowed as indentation'],
		['a YAML tag it does not know', 'seed: 1\nmessages: !foo 50\n', 'cfg.yaml:2:11: !foo is not a YAML tag sms-dash reads: remove it'],
		['an unknown tag inside a sender', 'senders:\n  - mean: !ms 50\n', 'cfg.yaml:2:11: !ms is not a YAML tag sms-dash reads: remove it'],
		['the empty file', '', '--config "cfg.yaml" is empty'],
		['a file of comments', '# nothing yet\n', '--config "cfg.yaml" is empty'],
		[
			'a spread too wide for its own sender',
			'senders:\n  - {distribution: uniform, mean: 10ms, spread: 20ms}\n',
			'cfg.yaml:2:49: senders[0].spread must be at most the mean (10ms) for the uniform distribution, so that no time is negative, got 20ms',
		],
		[
			'a spread too wide for the sender that inherits it',
			'spread: 20ms\nsenders:\n  - {distribution: uniform, mean: 10ms}\n',
			'cfg.yaml:3:5: senders[0] takes spread 20ms from spread (cfg.yaml:1:9), which must be at most the mean (10ms) for the uniform distribution, so that no time is negative',
		],
	])('%s', (_name, text, message) => {
		expect(refusalOf(() => withFile(text))).toBe(message);
	});

	test('a JSON syntax error reports its line and column', () => {
		expect(refusalOf(() => withFile('{"messages": 5,\n "senders": [1, 2,}\n'))).toMatch(/^cfg\.yaml:2:\d+: not valid YAML or JSON: /);
	});

	test.each<[string, string[]]>([
		['hello', ['cfg.yaml:1:1', 'must be a map of settings', '"hello"']],
		['foo: 1', ['foo is not a known key', 'keys: messages, senders, interval']],
		['exitOnDoen: true', ['did you mean exitOnDone?']],
		['failure_rate: 0.1\nfailureRate: 0.2', ['cfg.yaml:2:1', 'failureRate repeats failure_rate']],
		['senders: [5]', ['cfg.yaml:1:11', 'senders[0] must be a map of sender settings', 'got 5']],
		['senders: {mean: 5ms}', ['senders must be a list of senders', 'or a count', 'got a map']],
		['senders: -1', ['senders must be 0 or more']],
		['senders: [{mean: 5ms, mean_time: 0.1}]', ['senders[0].mean_time repeats mean']],
		['senders: [{count: 200000}]', ['senders[0].count must be at most 100,000']],
		['senders: [{count: 60000}, {count: 60000}]', ['cfg.yaml:1:35', 'senders[1].count brings the senders to 120,000', 'limit of 100,000']],
		['senders: [{count: 1.5}]', ['senders[0].count must be a whole number']],
		['interval: 0', ['interval must be at least 1ms']],
		['report_period: 0', ['report_period must be at least 1ms']],
		['interval: 2h30', ['interval must be a duration']],
		['speed: 0', ['speed must be above 0']],
		['speed: .inf', ['speed must be a number above 0 or "max"']],
		['seed: 1.5', ['seed must be a whole number']],
		['retries: 101', ['retries must be at most 100']],
		['messages: 1000000001', ['messages must be at most 1,000,000,000']],
		['messages: [1]', ['messages must be a whole number', 'got a list']],
		['headless: yes', ['headless must be true or false', 'got "yes"']],
		['log: 5', ['log must be a file name']],
		['thresholds: [5]', ['thresholds[0] must be a rule such as "p95<250ms"']],
		['distribution: constant\nspread: 5ms', ['cfg.yaml:2:9', 'spread is refused for the constant distribution']],
		['distribution: normal\nmean: 10ms\nspread: 21ms', ['spread must be at most twice the mean (20ms)']],
		['senders: [{distribution: exponential, spread: 1ms}]', ['senders[0].spread is refused for the exponential distribution']],
		['a: *x', ['cfg.yaml', 'alias']],
	])('%j is refused, naming %j', (text, words) => {
		const message = refusalOf(() => withFile(text));
		for (const word of words) {
			expect(message).toContain(word);
		}
	});

	test.each<[string, string, RawFlags, string]>([
		['a file value is checked when a flag overrides it', 'messages: -1', {messages: '5'}, 'cfg.yaml:1:11: messages must be 0 or more, got -1'],
		[
			'the file\'s senders are checked when -s replaces them',
			'senders: [{failure_rate: 2}]',
			{senders: '2'},
			'cfg.yaml:1:26: senders[0].failure_rate must be between 0 and 1, got 2',
		],
		['a file boolean is checked when the flag is given', 'json: 1', {json: true}, 'cfg.yaml:1:7: json must be true or false, got 1'],
	])('%s', (_name, text, flags, message) => {
		expect(refusalOf(() => withFile(text, flags))).toBe(message);
	});

	test.each<[string, string]>([
		['nope.yaml', '--config cannot read "nope.yaml": no such file'],
		['somewhere/', '--config cannot read "somewhere/": it is a directory'],
	])('%s cannot be read', (path, message) => {
		expect(refusalOf(() => resolve({config: path}))).toBe(message);
	});
});

describe('files on disk', () => {
	const dir = mkdtempSync(join(tmpdir(), 'sms-dash-config-'));
	const diskIo: ConfigIo = {readFile: path => readFileSync(path, 'utf8'), randomSeed: () => 1};
	afterAll(() => {
		rmSync(dir, {recursive: true, force: true});
	});

	test('Node\'s errors for a missing file, a directory and an empty file read as one clear line', () => {
		mkdirSync(join(dir, 'sub'));
		writeFileSync(join(dir, 'empty.yaml'), '');
		writeFileSync(join(dir, 'ok.json'), '{"messages": 3}');
		const missing = join(dir, 'missing.yaml');
		expect(refusalOf(() => resolveSettings({config: missing}, diskIo))).toBe(`--config cannot read "${missing}": no such file`);
		expect(refusalOf(() => resolveSettings({config: join(dir, 'sub')}, diskIo))).toContain('it is a directory');
		expect(refusalOf(() => resolveSettings({script: join(dir, 'empty.yaml')}, diskIo))).toBe(`--script "${join(dir, 'empty.yaml')}" is empty`);
		expect(resolveSettings({config: join(dir, 'ok.json')}, diskIo).messages).toBe(3);
	});
});

describe('--script', () => {
	test('changes are read, expanded and sorted stably by time', () => {
		const text = `
- {at: 90s, tune: {sender: 2, failure_rate: 0.1}}
- {at: 30s, tune: {sender: 2, failure_rate: 1, mean: 2s}}
- {at: 30s, more: 500}
- {at: 1m, add: {mean: 50ms, count: 2}}
- {at: 0.5, remove: 1}
`;
		expect(withScript(text).script).toStrictEqual([
			{simMs: 500, remove: 1},
			{simMs: 30_000, tune: {sender: 2, failureRate: 1, meanMs: 2000}},
			{simMs: 30_000, more: 500},
			{simMs: 60_000, add: sender(50)},
			{simMs: 60_000, add: sender(50)},
			{simMs: 90_000, tune: {sender: 2, failureRate: 0.1}},
		]);
	});

	test('an added sender takes the flags\' and the file\'s sender settings for the keys it leaves out', () => {
		const files = {'s.yaml': '[{"at": "1s", "add": {"failureRate": 0.5}}]', 'cfg.yaml': 'distribution: exponential'};
		expect(resolve({script: 's.yaml', config: 'cfg.yaml', mean: '70ms'}, files).script).toStrictEqual([
			{simMs: 1000, add: sender(70, 0.5, {distribution: 'exponential'})},
		]);
	});

	test('an empty list is no changes', () => {
		expect(withScript('[]').script).toStrictEqual([]);
	});

	test.each<[string, string]>([
		['at: 1s\nmore: 5\n', 's.yaml:1:1: the file must be a list of changes such as [{at: 30s, more: 500}], got a map'],
		['- {more: 5}', 's.yaml:1:3: [0] needs at: the simulated time of the change, such as at: 30s'],
		['- {at: 1s, more: 1}\n- {at: 2s}', 's.yaml:2:3: [1] needs one of add, remove, tune or more'],
		['- {at: 1s, more: 1, remove: 2}', 's.yaml:1:3: [0] has remove and more; give one change per entry'],
		['- {at: -1s, more: 1}', 's.yaml:1:8: [0].at must not be negative, got "-1s"'],
		['- at: 1s\n  tune: {failure_rate: 2, sender: 1}', 's.yaml:2:24: [0].tune.failure_rate must be between 0 and 1, got 2'],
		['- {at: 1s, tune: {failure_rate: 0.2}}', 's.yaml:1:18: [0].tune needs sender: the id of the sender to change'],
		['- {at: 1s, tune: {sender: 1}}', 's.yaml:1:18: [0].tune changes nothing: give one or more of mean, failure_rate, distribution, spread, max_wait, failover, window, rate, price, preset'],
		['- {at: 1s, tune: {sender: 0, mean: 1s}}', 's.yaml:1:27: [0].tune.sender must be 1 or more, got 0'],
		['- {at: 1s, remove: 0}', 's.yaml:1:20: [0].remove must be 1 or more, got 0'],
		['- {at: 1s, ad: {}}', 's.yaml:1:12: [0].ad is not a known key (did you mean add?)'],
		['- {at: 1s, add: 5}', 's.yaml:1:17: [0].add must be a map of sender settings such as {mean: 50ms, failure_rate: 0.1}, got 5'],
		['- {at: 1s, add: {count: 2, failure_rat: 0}}', 's.yaml:1:28: [0].add.failure_rat is not a known key (did you mean failure_rate?)'],
		['- {at: 1s, tune: {sender: 1, distribution: constant, spread: 1ms}}', 's.yaml:1:62: [0].tune.spread is refused for the constant distribution, which has no spread'],
		['- 5', 's.yaml:1:3: [0] must be a change such as {at: 30s, more: 500}, got 5'],
		['[{at: 1s, more: 1}', 's.yaml:1:19: not valid YAML or JSON: Flow sequence must end with a ]'],
		['', '--script "s.yaml" is empty'],
	])('%j is refused: %s', (text, message) => {
		expect(refusalOf(() => withScript(text))).toBe(message);
	});

	test('a missing script names the flag', () => {
		expect(refusalOf(() => resolve({script: 'gone.yaml'}))).toBe('--script cannot read "gone.yaml": no such file');
	});
});

describe('--script in script form (a report\'s `actions`)', () => {
	test('sim_ms and the *_ms sender keys read as plain milliseconds, kept exact', () => {
		const text = `
- {sim_ms: 1234.56789, add: {mean_ms: 12.5, failure_rate: 0.2, distribution: uniform, spread_ms: 2.25, max_wait_ms: 14, failover_ms: 500}}
- {simMs: 2000.5, tune: {sender: 1, meanMs: 80.125}}
`;
		expect(withScript(text).script).toStrictEqual([
			{simMs: 1234.567_89, add: sender(12.5, 0.2, {distribution: 'uniform', spreadMs: 2.25, maxWaitMs: 14, failoverMs: 500})},
			{simMs: 2000.5, tune: {sender: 1, meanMs: 80.125}},
		]);
	});

	test('a report\'s actions, pasted into a script, read back as they were', () => {
		const actions = [
			{simMs: 0, more: 10},
			{simMs: 812.000_000_1, add: {meanMs: 30, failureRate: 0.05, distribution: 'exponential', failoverMs: 2000}},
			{simMs: 1500.25, tune: {sender: 2, failureRate: 1}},
			{simMs: 9000, remove: 4},
		];
		expect(withScript(JSON.stringify(actions)).script).toStrictEqual(actions);
	});

	test('a report\'s settings.senders, pasted into a config file, give the senders the run had', () => {
		const kinds = [sender(40, 0.1, {window: 10, rate: 50, price: 0.01}), sender(10, 0.2, {distribution: 'exponential', failoverMs: 30})];
		const senders = [...times(600, kinds[0]!), kinds[1]!, ...times(2, kinds[0]!)];
		const written = groupSenders(senders);
		expect(written).toHaveLength(3);
		expect(withFile(JSON.stringify({senders: written})).senders).toStrictEqual(senders);
	});

	test.each<[string, string]>([
		['- {at: 1s, sim_ms: 1000, more: 1}', 's.yaml:1:12: [0].sim_ms repeats at; give one of them'],
		['- {sim_ms: -5, more: 1}', 's.yaml:1:12: [0].sim_ms must not be negative, got -5'],
		['- {sim_ms: 1s, more: 1}', 's.yaml:1:12: [0].sim_ms must be a number of milliseconds, got "1s"'],
		['- {at: 1s, add: {mean: 5ms, mean_ms: 5}}', 's.yaml:1:29: [0].add.mean_ms repeats mean; give one of them'],
		['- {at: 1s, tune: {sender: 1, mean_ms: .inf}}', 's.yaml:1:39: [0].tune.mean_ms must be a number of milliseconds, got Infinity'],
	])('%j is refused: %s', (text, message) => {
		expect(refusalOf(() => withScript(text))).toBe(message);
	});
});

describe('--replay', () => {
	const report = {
		type: 'summary',
		produced: 500,
		sent: 450,
		wallElapsedMs: 12,
		speed: 'max',
		seed: 99,
		thresholds: [{expr: 'p95<250ms', ok: true, actual: 41.2}],
		settings: {
			messages: 500,
			senders: [
				{meanMs: 20, failureRate: 0.1, distribution: 'gamma'},
				{meanMs: 35.5, failureRate: 0.2, distribution: 'uniform', spreadMs: 10, maxWaitMs: 40, failoverMs: 1000},
			],
			retries: 2,
			seed: 99,
			intervalMs: 500,
			thresholds: ['p95<250ms', 'failed<5%'],
		},
		actions: [
			{simMs: 1234.567_891_234_5, add: {meanMs: 10, failureRate: 0.3, distribution: 'exponential'}},
			{simMs: 2000, tune: {sender: 1, meanMs: 16, spreadMs: 8}},
			{simMs: 2000, remove: 2},
			{simMs: 3100.1, more: 250},
		],
		notes: [],
	};
	const replay = (flags: RawFlags = {}, text = JSON.stringify(report, null, 2)) => resolve({replay: 'r.json', ...flags}, {'r.json': text});
	/** The report as JSON with `edit` applied to a copy of it. */
	const edited = (edit: (r: any) => void) => {
		const copy = structuredClone(report);
		edit(copy);
		return JSON.stringify(copy, null, 2);
	};

	test('the report gives seed, settings, rules and every change; the rest are defaults', () => {
		expect(replay()).toStrictEqual({
			...defaultSettings,
			messages: 500,
			senders: [sender(20), sender(35.5, 0.2, {distribution: 'uniform', spreadMs: 10, maxWaitMs: 40, failoverMs: 1000})],
			retries: 2,
			seed: 99,
			intervalMs: 500,
			thresholds: [
				{expr: 'p95<250ms', metric: 'p95', op: '<', value: 250, isPercent: false},
				{expr: 'failed<5%', metric: 'failed', op: '<', value: 5, isPercent: true},
			],
			script: report.actions,
			isSeedGiven: true,
		});
	});

	test('presentation flags and more rules are taken; a rule the report has is not doubled', () => {
		const settings = replay({
			speed: 'max',
			headless: true,
			json: true,
			log: 'out.log',
			report: 'again.json',
			html: 'again.html',
			exitOnDone: true,
			threshold: ['failed<5%', 'avg<=120ms'],
			sender: [],
		});
		expect(settings).toMatchObject({speed: Infinity, headless: true, json: true, logPath: 'out.log', reportPath: 'again.json', htmlPath: 'again.html', exitOnDone: true});
		expect(settings.thresholds.map(t => t.expr)).toStrictEqual(['p95<250ms', 'failed<5%', 'avg<=120ms']);
	});

	test.each<[RawFlags, string]>([
		[{messages: '10'}, '--messages (-m)'],
		[{senders: '2'}, '--senders (-s)'],
		[{mean: '5ms'}, '--mean'],
		[{failureRate: '0'}, '--failure-rate (-f)'],
		[{distribution: 'constant'}, '--distribution'],
		[{spread: '1ms'}, '--spread'],
		[{maxWait: '1s'}, '--max-wait'],
		[{failover: '1s'}, '--failover'],
		[{sender: ['mean=5ms']}, '--sender'],
		[{config: 'cfg.yaml'}, '--config (-c)'],
		[{retries: '1'}, '--retries'],
		[{seed: '1'}, '--seed'],
		[{interval: '2'}, '--interval (-i)'],
		[{script: 's.yaml'}, '--script'],
	])('%j is refused with --replay, naming %s', (flags, label) => {
		expect(refusalOf(() => replay(flags))).toBe(
			`${label} cannot be used with --replay: the report gives the seed, the settings and every change (with --replay, give only --speed, --headless, --json, --log, --report, --html, --exit-on-done, --threshold, --abort-on-fail)`,
		);
	});

	test.each<[string, string]>([
		['{"type": "summary", "settings": {', '--replay "r.json" is not JSON (r.json:1:34: Expected property name or \'}\')'],
		['{"type": "summary",\n "settings": }', '--replay "r.json" is not JSON (r.json: Unexpected token \'}\')'],
		['{"type": "summary"\n "settings": {}}', '--replay "r.json" is not JSON (r.json:2:2: Expected \',\' or \'}\' after property value)'],
		['messages: 5\n', '--replay "r.json" is not JSON (r.json: Unexpected token \'m\')'],
		['', '--replay "r.json" is not JSON (r.json: Unexpected end of JSON input)'],
		['[1, 2]', '--replay "r.json" is not a report written by --report: it holds a list, not a summary'],
		['{"type": "progress", "simMs": 1000}', '--replay "r.json" is not a report written by --report: it has no "type": "summary"'],
		['{"type": "summary", "sent": 5}', '--replay "r.json" is not a report written by --report: it has no "settings"'],
		['{"type": "summary", "settings": {}}', '--replay "r.json" is not a report written by --report: it has no "actions"'],
		['{"type": "summary", "settings": 5, "actions": []}', 'r.json:1:33: settings must be a map of what decided the run, got 5'],
		['{"type": "summary", "actions": [],\n "settings": {"messages": 5}}', 'r.json:2:14: settings has no senders, retries, seed, intervalMs'],
	])('%j is refused: %s', (text, message) => {
		expect(refusalOf(() => replay({}, text))).toBe(message);
	});

	test.each<[(r: any) => void, string, string, string]>([
		[r => (r.settings.seed = -1), '"seed": -1', '-1', 'settings.seed must be 0 or more, got -1'],
		[r => (r.settings.intervalMs = 0), '"intervalMs": 0', '0', 'settings.intervalMs must be more than 0, got 0'],
		[
			r => (r.settings.queueCapacity = 5),
			'"queueCapacity"',
			'"',
			'settings.queueCapacity is not a known key (keys: messages, senders, retries, seed, intervalMs, thresholds, text, gatewayRate, backoffMs, invalid, delivery, validityMs)',
		],
		[r => (r.settings.senders = 3), '"senders": 3', '3', 'settings.senders must be a list of senders such as [{"meanMs": 100, "failureRate": 0.1}], got 3'],
		[r => (r.settings.senders[1].failureRate = 2), '"failureRate": 2', '2', 'settings.senders[1].failureRate must be between 0 and 1, got 2'],
		[r => (r.settings.senders[0].meanMss = 2), '"meanMss"', '"', 'settings.senders[0].meanMss is not a known key (did you mean meanMs?)'],
		[r => (r.settings.thresholds = ['p59<1s']), '"p59<1s"', '"', 'settings.thresholds[0] has an unknown metric "p59" in "p59<1s" (did you mean p95?)'],
		[r => (r.actions = {}), '"actions": {}', '{', 'actions must be a list of changes such as [{at: 30s, more: 500}], got a map'],
		[r => (r.actions[1].tune.failureRat = 1), '"failureRat"', '"', 'actions[1].tune.failureRat is not a known key (did you mean failureRate?)'],
		[r => (r.actions[2].remove = 0), '"remove": 0', '0', 'actions[2].remove must be 1 or more, got 0'],
		[r => delete r.actions[3].simMs, '{\n      "more": 250', '{', 'actions[3] needs at: the simulated time of the change, such as at: 30s'],
	])('a bad value in the report names it with its line and column: %s', (edit, context, part, message) => {
		const text = edited(edit);
		const offset = text.indexOf(context) + context.indexOf(part);
		expect(text.indexOf(context)).toBeGreaterThan(0);
		const before = text.slice(0, offset).split('\n');
		expect(refusalOf(() => replay({}, text))).toBe(`r.json:${before.length}:${before.at(-1)!.length + 1}: ${message}`);
	});

	test('a missing report names the flag', () => {
		expect(refusalOf(() => resolve({replay: 'gone.json'}))).toBe('--replay cannot read "gone.json": no such file');
		expect(refusalOf(() => resolve({replay: ' '}))).toBe('--replay needs a file name');
	});

	test('a bad extra rule is refused with a "did you mean"', () => {
		expect(refusalOf(() => replay({threshold: ['faild<5%']}))).toBe('--threshold has an unknown metric "faild" in "faild<5%" (did you mean failed?)');
	});
});
