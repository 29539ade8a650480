// `sms-dash worker`'s flags: the main command's sender vocabulary (every key, failover too),
// parsed as carefully: each bad input is one line naming the flag, exit 2, before Redis.
import {describe, expect, test} from 'vitest';
import {runWorkerCommand, resolveWorkerPlan, workerCommand} from '../../source/broker/cli.js';
import {senderFlags} from '../../source/config/flags.js';
import {parseCommandLine} from '../../source/config/parse.js';
import type {SenderSpec} from '../../source/engine/types.js';
import {createLifecycle} from '../../source/lifecycle.js';
import {mainCommandRefusal, refusalOf} from '../helpers/refusal.js';

const broker = 'redis://127.0.0.1:6379';
const plan = (argv: string[]) => resolveWorkerPlan(parseCommandLine(workerCommand, ['--broker', broker, ...argv], import.meta));
const spec = (more: Partial<SenderSpec> = {}): SenderSpec => ({meanMs: 100, failureRate: 0.1, distribution: 'gamma', ...more});

/** Runs the command as a user would, collecting what it writes. */
async function run(argv: string[]): Promise<{code: number; out: string; err: string}> {
	let out = '';
	let err = '';
	const stream = (write: (text: string) => void) => ({write, on: () => undefined, off: () => undefined});
	const lifecycle = createLifecycle({
		on: () => undefined,
		off: () => undefined,
		stdout: stream(text => void (out += text)),
		stderr: stream(text => void (err += text)),
	});
	const code = await runWorkerCommand(argv, lifecycle);
	return {code, out, err};
}

describe('worker flags', () => {
	test.each<[string[], Partial<ReturnType<typeof plan>>]>([
		[[], {url: broker, queue: 'sms-dash', count: 1, spec: spec(), seed: undefined}],
		[['--queue', 'alerts', '-n', '4', '--seed', '7'], {queue: 'alerts', count: 4, seed: 7}],
		[['--count', '10000'], {count: 10_000}],
		[['--mean', '80ms', '-f', '0.2'], {spec: spec({meanMs: 80, failureRate: 0.2})}],
		[['--failure-rate', '1', '--distribution', 'Exponential'], {spec: spec({failureRate: 1, distribution: 'exponential'})}],
		[['--distribution', 'normal', '--spread', '30ms'], {spec: spec({distribution: 'normal', spreadMs: 30})}],
		[['--max-wait', '1.5s'], {spec: spec({maxWaitMs: 1500})}],
		[['--failover', '2s'], {spec: spec({failoverMs: 2000})}],
		[['--failover=0.5'], {spec: spec({failoverMs: 500})}],
		[['--failover', '0'], {spec: spec({failoverMs: 0})}],
		[['--mean', '0.05', '--failover', '250ms', '-f', '0'], {spec: spec({meanMs: 50, failureRate: 0, failoverMs: 250})}],
		[['--window', '10', '--rate', '50', '--price', '0.01'], {spec: spec({window: 10, rate: 50, price: 0.01})}],
		[['--preset', 'toll-free'], {spec: spec({window: 1, rate: 3})}],
		[['--preset', 'smpp', '--rate', '40'], {spec: spec({window: 10, rate: 40})}],
	])('%j -> %j', (argv, expected) => {
		expect(plan(argv)).toMatchObject(expected);
	});

	test('every sender flag of the main command is a worker flag', () => {
		for (const name of Object.keys(senderFlags)) expect(workerCommand.flags).toHaveProperty(name);
		expect(workerCommand.help).toContain('--failover <duration>');
	});

	test.each<[string, string]>([
		['mean', '-'],
		['mean', 'soon'],
		['failureRate', '1.5'],
		['failureRate', 'half'],
		['distribution', 'gama'],
		['spread', '5 parsecs'],
		['maxWait', '1x'],
		['failover', 'later'],
		['window', '0'],
		['rate', 'fast'],
		['price', '-1'],
		['preset', 'shortcode'],
		['mean', '100'],
		['spread', '12.5'],
	])('--%s %j is refused in the main command\'s words', (name, value) => {
		expect(refusalOf(() => resolveWorkerPlan({broker, [name]: value}))).toBe(mainCommandRefusal(name, value));
	});

	test.each<[string[], string]>([
		[['--mean', '1s', '--mean', '2s'], '--mean can only be set once'],
		[['--failover', '1s', '--failover', '2s'], '--failover can only be set once'],
		[['-f', '0.1', '--failure-rate', '0.2'], '--failure-rate can only be set once'],
		[['--mean', '-1s'], '--mean must not be negative, got "-1s"'],
		[['--failover', '-2s'], '--failover must not be negative, got "-2s"'],
		[['-n', '-3'], '--count must not be negative, got "-3"'],
		[['--mean', 'soon'], '--mean must be'],
		[['--failover', 'later'], '--failover must be a duration'],
		[['-f', '2'], '--failure-rate must be between 0 and 1'],
		[['--distribution', 'gama'], '--distribution must be one of gamma, exponential, normal, lognormal, uniform, constant (did you mean gamma?)'],
		[['--distribution', 'constant', '--spread', '10ms'], '--spread is refused for the constant distribution'],
		[['--distribution', 'uniform', '--spread', '300ms'], '--spread must be at most the mean'],
		[['--count', '0'], '--count must be a whole number from 1 to 10,000, got "0"'],
		[['--count', '10001'], '--count must be a whole number from 1 to 10,000, got "10001"'],
		[['-n', '1.5'], '--count must be a whole number from 1 to 10,000, got "1.5"'],
		[['--seed', 'abc'], '--seed must be a whole number'],
		[['--seed', '4294967296'], '--seed must be at most'],
		[['--queue', 'a:b'], '--queue must be'],
		[['--messages', '10'], '--messages is not an option of worker (see sms-dash worker --help)'],
		[['--sender', 'mean=1s'], '--sender is not an option of worker'],
		[['extra'], 'worker takes no argument "extra"'],
	])('%j: one line naming it, exit 2, before any connection', async (argv, words) => {
		const result = await run(['--broker', 'redis://127.0.0.1:1', ...argv]);
		expect(result.code).toBe(2);
		expect(result.out).toBe('');
		expect(result.err.trimEnd().split('\n')).toHaveLength(1);
		expect(result.err).toContain(`sms-dash worker: ${words}`);
	});

	test.each<[string[], string]>([
		[[], '--broker is required'],
		[['--broker', 'http://127.0.0.1:6379'], '--broker must start with redis://'],
		[['--broker', ''], '--broker needs a Redis URL'],
	])('%j: the broker is named', async (argv, words) => {
		const result = await run(argv);
		expect(result.code).toBe(2);
		expect(result.err).toContain(words);
	});
});
