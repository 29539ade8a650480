// Snapshots and monitor readings as tests write them: every field at its start (nothing
// sent, nothing known), with the few a test cares about laid over it. No Ink here.
import type {Progress} from '../../source/engine/monitor.js';
import type {SenderSnapshot, SenderSpec, Snapshot} from '../../source/engine/types.js';

/** Sender `id`, sending one message of a 100 ms gamma spec at 10 % failure, nothing finished yet. */
export function senderSnap(id: number, over: Partial<SenderSnapshot> = {}, spec: Partial<SenderSpec> = {}): SenderSnapshot {
	return {
		id,
		spec: {meanMs: 100, failureRate: 0.1, distribution: 'gamma', ...spec},
		state: 'sending',
		restLeftMs: 0,
		inFlight: 1,
		windowUsed: 1,
		sent: 0,
		failed: 0,
		attempts: 0,
		segments: 0,
		throttled: 0,
		rests: 0,
		restedMs: 0,
		avgTimeMs: undefined,
		observedMeanMs: undefined,
		p95Ms: undefined,
		...over,
	};
}

/** 1,000 messages just started by senders 1 to 3: three in flight, the rest queued. */
export function snapOf(over: Partial<Snapshot> = {}): Snapshot {
	return {
		simMs: 0,
		total: 1000,
		produced: 1000,
		pending: 0,
		queued: 997,
		inFlight: 3,
		resting: 0,
		sent: 0,
		failed: 0,
		failedInvalid: 0,
		attempts: 0,
		segments: 0,
		throttled: 0,
		delivered: 0,
		undelivered: 0,
		cost: 0,
		reached: 0,
		avgTimeMs: undefined,
		avgE2eMs: undefined,
		p50Ms: undefined,
		p95Ms: undefined,
		p99Ms: undefined,
		reachP50Ms: undefined,
		reachP95Ms: undefined,
		reachP99Ms: undefined,
		lastOutcomeMs: 0,
		isDone: false,
		senders: [1, 2, 3].map(id => senderSnap(id)),
		...over,
	};
}

/** A monitor's reading at `simMs`: nothing produced or finished, no rate, no estimate. */
export function readingOf(simMs = 0, over: Partial<Progress> = {}): Progress {
	return {
		simMs,
		produced: 0,
		pending: 0,
		queued: 0,
		inFlight: 0,
		resting: 0,
		sent: 0,
		failed: 0,
		attempts: 0,
		segments: 0,
		throttled: 0,
		delivered: 0,
		avgTimeMs: undefined,
		avgE2eMs: undefined,
		throughput: undefined,
		recentThroughput: undefined,
		etaMs: undefined,
		isDone: false,
		...over,
	};
}
