// The monitor's view of the senders announced on the broker: which are alive (their
// heartbeat key has not expired; Redis's clock decides, so worker clocks do not matter), and
// the control records that re-tune or stop one wherever it runs.
import type {Redis} from 'ioredis';
import {controlTtlMs, keysFor, type AliveRecord, type ControlRecord} from './protocol.js';

export class Registry {
	private readonly keys;

	constructor(
		private readonly client: Redis,
		queue: string,
	) {
		this.keys = keysFor(queue);
	}

	/** Every sender alive now, by id. Ids announced but expired are forgotten in Redis. */
	async read(): Promise<Map<number, AliveRecord>> {
		const alive = new Map<number, AliveRecord>();
		const ids = (await this.client.smembers(this.keys.senders)).map(Number).filter(id => Number.isInteger(id) && id > 0);
		if (ids.length === 0) return alive;
		const values = await this.client.mget(ids.map(id => this.keys.alive(id)));
		const expired: number[] = [];
		ids.forEach((id, i) => {
			const value = values[i];
			if (value === null || value === undefined) {
				expired.push(id);
				return;
			}

			try {
				const record = JSON.parse(value) as AliveRecord;
				if (record.id === id) alive.set(id, record);
			} catch {
				expired.push(id);
			}
		});
		if (expired.length > 0) void this.client.srem(this.keys.senders, ...expired).catch(() => undefined);
		return alive;
	}

	/** Asks the sender's process to apply a change at its next heartbeat. */
	async control(id: number, record: ControlRecord): Promise<void> {
		await this.client.set(this.keys.control(id), JSON.stringify(record), 'PX', controlTtlMs);
	}
}
