// Bad broker URLs and a Redis that cannot be used: one clear line, exit 2, within ~3 s, and
// never the password. Only 127.0.0.1 is ever contacted.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {BrokerError, parseBrokerUrl} from '../../source/broker/connection.js';
import {createBrokerSimulation} from '../../source/broker/simulation.js';
import {brokerSettings, startWorker} from './helpers.js';
import {freePort, startRedis, type RedisServer} from './redis.js';

const secret = 'pa55-word';

describe('parseBrokerUrl', () => {
	it.each([
		['redis://127.0.0.1:6379', {host: '127.0.0.1', port: 6379, db: 0, isTls: false, password: undefined, display: 'redis://127.0.0.1:6379'}],
		['redis://127.0.0.1', {port: 6379, display: 'redis://127.0.0.1:6379'}],
		[`redis://:${secret}@127.0.0.1:7000/3`, {password: secret, db: 3, display: 'redis://:***@127.0.0.1:7000/3'}],
		[`rediss://alerts:${secret}@127.0.0.1:6380`, {isTls: true, username: 'alerts', password: secret, display: 'rediss://***@127.0.0.1:6380'}],
		['redis://:p%40ss%3Aw@127.0.0.1:1', {password: 'p@ss:w'}],
		['redis://[::1]:6379', {host: '::1', display: 'redis://[::1]:6379'}],
		// A password without the leading colon, as Redis clients read it: never shown.
		[`redis://${secret}@127.0.0.1:6379`, {username: undefined, password: secret, display: 'redis://***@127.0.0.1:6379'}],
	])('reads %s', (url, expected) => {
		expect(parseBrokerUrl(url)).toMatchObject(expected);
	});

	it.each([
		['', 'needs a Redis URL'],
		['127.0.0.1:6379', 'must be a URL such as redis://HOST:PORT'],
		[`:${secret}@127.0.0.1:6379`, 'must be a URL'],
		[`http://:${secret}@127.0.0.1:80`, 'must start with redis:// or rediss://'],
		[`redis://:${secret}@127.0.0.1:99999`, 'not a valid URL'],
		[`redis://:${secret}@127.0.0.1:0`, 'port from 1 to 65535'],
		[`redis://:${secret}@127.0.0.1:6379/x`, 'database number'],
		[`redis://:${secret}@127.0.0.1:6379?tls=1`, 'no ?query'],
		['redis://:@', 'not a valid URL'],
		[`redis://:${secret}%zz@127.0.0.1:6379`, 'malformed %-escape'],
		[`redis://${secret}%@127.0.0.1:6379/x`, 'database number'],
	])('refuses %j', (url, words) => {
		let error: unknown;
		try {
			parseBrokerUrl(url);
		} catch (caught) {
			error = caught;
		}

		expect(error).toBeInstanceOf(BrokerError);
		const message = (error as Error).message;
		expect(message).toContain('--broker');
		expect(message).toContain(words);
		expect(message).not.toContain(secret);
		expect(message).not.toContain('\n');
	});
});

describe('an unusable Redis at start', () => {
	let redis: RedisServer;
	beforeAll(async () => {
		redis = await startRedis({password: secret});
	});
	afterAll(async () => {
		await redis?.stop();
	});

	const refused = async (url: string, options: {speed?: number} = {}) => {
		const started = performance.now();
		const error = await createBrokerSimulation({...brokerSettings(), ...options}, {url}).then(
			async sim => {
				await sim.close();
				return undefined;
			},
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(BrokerError);
		expect(performance.now() - started).toBeLessThan(3500);
		const message = (error as Error).message;
		expect(message).not.toContain(secret);
		expect(message).not.toContain('\n');
		return message;
	};

	it('nothing listening: connection refused', async () => {
		const port = await freePort();
		expect(await refused(`redis://:${secret}@127.0.0.1:${port}`)).toBe(
			`cannot reach Redis at redis://:***@127.0.0.1:${port} (connection refused: is redis-server running there?)`,
		);
	});

	it('a wrong password or none', async () => {
		expect(await refused(`redis://:wrong-${secret}@127.0.0.1:${redis.port}`)).toContain('Redis refused the user name or password');
		expect(await refused(`redis://127.0.0.1:${redis.port}`)).toContain('Redis wants a password');
	});

	it('TLS to a server without it', async () => {
		expect(await refused(`rediss://:${secret}@127.0.0.1:${redis.port}`)).toBe(
			`cannot reach Redis at rediss://:***@127.0.0.1:${redis.port} (no answer within 3 s: is it a TLS (rediss://) server?)`,
		);
	});

	it('--speed other than 1', async () => {
		expect(await refused(redis.url, {speed: 10})).toContain('--speed other than 1 is refused with --broker');
	});

	it('the right password works', async () => {
		const sim = await createBrokerSimulation(brokerSettings({messages: 0}), {url: redis.url});
		expect(sim.isDone).toBe(true);
		expect(sim.display).toBe(`redis://:***@127.0.0.1:${redis.port} queue "sms-dash"`);
		await sim.close();
	});
});

describe('sms-dash worker', () => {
	it.each([
		[['--count', '2'], '--broker is required'],
		[['--broker', `redis://:${secret}@127.0.0.1`, '--count', '0'], '--count must be a whole number'],
		[['--broker', `ftp://:${secret}@127.0.0.1`], '--broker must start with redis://'],
		[['--broker', 'redis://127.0.0.1', '--queue', 'a:b'], '--queue must be'],
		[['--broker', 'redis://127.0.0.1', '--mean', 'fast'], '--mean must be a duration'],
		[['--broker', 'redis://127.0.0.1', '--messages', '5'], '--messages is not an option of worker'],
	])('refuses %j with exit 2', async (args, words) => {
		const worker = await startWorker(args);
		const {code} = await worker.exited;
		expect(code).toBe(2);
		const output = worker.output();
		expect(output).toContain(words);
		expect(output).not.toContain(secret);
		expect(output.trimEnd().split('\n')).toHaveLength(1);
	});

	it('exits 2 within ~3 s when Redis does not answer', async () => {
		const port = await freePort();
		const started = performance.now();
		const worker = await startWorker(['--broker', `redis://:${secret}@127.0.0.1:${port}`]);
		const {code} = await worker.exited;
		expect(code).toBe(2);
		expect(performance.now() - started).toBeLessThan(4000);
		expect(worker.output()).toBe(
			`sms-dash worker: cannot reach Redis at redis://:***@127.0.0.1:${port} (connection refused: is redis-server running there?)\n`,
		);
	});
});
