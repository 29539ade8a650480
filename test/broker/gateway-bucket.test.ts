// The gateway's cap as one token bucket in Redis (gateway-bucket.ts), as engine/gateway.ts
// keeps it: a second's worth at most, refilled at the rate; shared by every client. Time
// passing is made by moving the bucket's last moment back, never by sleeping.
import {Redis} from 'ioredis';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {GatewayBucket} from '../../source/broker/gateway-bucket.js';
import {useBroker} from './helpers.js';

const fixture = useBroker();
let a: Redis;
let b: Redis;

beforeAll(() => {
	a = new Redis(fixture.redis.url);
	b = new Redis(fixture.redis.url);
});

afterAll(async () => {
	await a.quit();
	await b.quit();
});

async function takeMany(bucket: GatewayBucket, rate: number, count: number): Promise<boolean[]> {
	const answers: boolean[] = [];
	for (let i = 0; i < count; i++) answers.push(await bucket.take(rate));
	return answers;
}

/** The bucket's last refill, `ms` earlier. */
async function age(key: string, ms: number): Promise<void> {
	const [s, us] = await a.hmget(key, 's', 'us');
	const total = Number(s) * 1_000_000 + Number(us) - ms * 1000;
	await a.hset(key, 's', Math.floor(total / 1_000_000), 'us', total % 1_000_000);
}

it('holds one second of tokens, shared by every client; refills at the rate, never above a second', async () => {
	const key = 'test:gateway:1';
	const first = new GatewayBucket(a, key);
	const second = new GatewayBucket(b, key);
	// 5/s: five at once, whoever takes them, then throttled.
	expect([...(await takeMany(first, 5, 3)), ...(await takeMany(second, 5, 3))]).toEqual([true, true, true, true, true, false]);
	// 200 ms more (and the few ms just spent): one token.
	await age(key, 200);
	expect(await takeMany(second, 5, 2)).toEqual([true, false]);
	// Ten seconds idle: still a second's worth.
	await age(key, 10_000);
	expect(await takeMany(first, 5, 6)).toEqual([true, true, true, true, true, false]);
});

it('a rate below one a second still holds one token', async () => {
	const bucket = new GatewayBucket(a, 'test:gateway:2');
	expect(await takeMany(bucket, 0.5, 2)).toEqual([true, false]);
	await age('test:gateway:2', 2000);
	expect(await takeMany(bucket, 0.5, 2)).toEqual([true, false]);
});
