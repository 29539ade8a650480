// Recent segments per simulated second, read from the snapshots the store publishes: the
// totals' segments/s against the gateway's cap, and each rate-capped sender's use of its
// cap. Fixed memory: a few samples for the run and for each sender that has a rate.
import {windowTicks} from '../engine/monitor.js';
import type {Snapshot} from '../engine/types.js';
import type {DashStore} from '../store.js';
import {useDash, useDashStore} from './use-dash.js';
import {useRunView} from './run-view.js';

interface Sample {
	simMs: number;
	segments: number;
}

/** Samples of a running count over the last `spanMs`, and the rate they give. */
export class RecentRate {
	private readonly samples: Sample[] = [];

	constructor(private readonly spanMs: number) {}

	add(simMs: number, segments: number): void {
		const last = this.samples.at(-1);
		// A publish at the same moment (a key press) replaces the sample of that moment.
		if (last !== undefined && simMs <= last.simMs) {
			last.segments = segments;
			return;
		}

		this.samples.push({simMs, segments});
		// Keep one sample at or before the window's start, so the rate spans the whole window.
		while (this.samples.length > 2 && this.samples[1]!.simMs <= simMs - this.spanMs) this.samples.shift();
	}

	/** Per simulated second over the window; undefined before two moments were seen. */
	perSecond(): number | undefined {
		const first = this.samples[0];
		const last = this.samples.at(-1);
		if (first === undefined || last === undefined || last.simMs <= first.simMs) return undefined;
		return ((last.segments - first.segments) * 1000) / (last.simMs - first.simMs);
	}
}

/** The run's and each capped sender's recent segments per second, fed one snapshot at a time. */
export class SegmentRates {
	private readonly total: RecentRate;
	private readonly senders = new Map<number, RecentRate>();
	private seen: Snapshot | undefined;

	constructor(private readonly spanMs: number) {
		this.total = new RecentRate(spanMs);
	}

	/** Takes a snapshot in; the same one twice counts once. */
	observe(snap: Snapshot): void {
		if (snap === this.seen) return;
		this.seen = snap;
		this.total.add(snap.simMs, snap.segments);
		for (const sender of snap.senders) {
			if (sender.spec.rate === undefined || sender.state === 'removed') {
				if (this.senders.size > 0) this.senders.delete(sender.id);
				continue;
			}

			let rate = this.senders.get(sender.id);
			if (rate === undefined) {
				rate = new RecentRate(this.spanMs);
				this.senders.set(sender.id, rate);
			}

			rate.add(snap.simMs, sender.segments);
		}
	}

	/** Segments accepted per simulated second, recently, by the whole run. */
	totalPerSecond(): number | undefined {
		return this.total.perSecond();
	}

	/** A rate-capped sender's recent segments per second; undefined for one without a rate. */
	senderPerSecond(id: number): number | undefined {
		return this.senders.get(id)?.perSecond();
	}
}

const byStore = new WeakMap<DashStore, SegmentRates>();

/**
 * The store's segment rates, brought up to its latest snapshot. Every component that asks
 * shares one tracker per store; the first to render a new snapshot feeds it.
 */
export function useSegmentRates(): SegmentRates {
	const store = useDashStore();
	const {intervalMs} = useRunView();
	const snap = useDash(s => s.snap);
	let rates = byStore.get(store);
	if (rates === undefined) {
		rates = new SegmentRates(windowTicks * intervalMs);
		byStore.set(store, rates);
	}

	rates.observe(snap);
	return rates;
}
