// The gateway's cap in broker mode: one token bucket in Redis that every worker takes from,
// atomically (a Lua script on Redis's own clock), with engine/gateway.ts's semantics: `rate`
// segments per second, holding at most one second's worth (at least one token).
import type {Redis} from 'ioredis';

/** KEYS[1] the bucket; ARGV[1] the rate. Returns 1 when a token was taken, 0 when throttled. */
const takeScript = `local rate = tonumber(ARGV[1])
local cap = math.max(1, rate)
local now = redis.call('TIME')
local v = redis.call('HMGET', KEYS[1], 'tokens', 's', 'us')
local tokens = cap
if v[1] then
  local ms = (tonumber(now[1]) - tonumber(v[2])) * 1000 + (tonumber(now[2]) - tonumber(v[3])) / 1000
  tokens = math.min(cap, tonumber(v[1]) + math.max(0, ms) * rate / 1000)
end
local ok = 0
if tokens >= 1 - 1e-9 then
  tokens = math.max(0, tokens - 1)
  ok = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 's', now[1], 'us', now[2])
redis.call('PEXPIRE', KEYS[1], 60000)
return ok`;

export class GatewayBucket {
	constructor(
		private readonly client: Redis,
		private readonly key: string,
	) {}

	/**
	 * Takes one segment's token at `rate` segments per second; false when the bucket is empty
	 * (throttled). Redis unreachable counts as accepted: the cap is not worth a lost message.
	 */
	async take(rate: number): Promise<boolean> {
		try {
			return (await this.client.eval(takeScript, 1, this.key, rate)) === 1;
		} catch {
			return true;
		}
	}
}
