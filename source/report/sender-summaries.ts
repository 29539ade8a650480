// The summary's `senders`, one SenderSummary per sender, made cheaply for 100,000 of them:
// one literal for the common shape, else a template of the spec's shape copied and filled.
import type {SenderSnapshot, SenderSpec} from '../engine/types.js';
import {round1} from '../format.js';
import type {SenderSummary} from '../report.js';

/** A spec's keys of a SenderSummary, with its figures zero (the order is JSON's order). */
function templateOf(spec: SenderSpec, isRemoved: boolean): SenderSummary {
	return {
		id: 0,
		meanMs: spec.meanMs,
		failureRate: spec.failureRate,
		distribution: spec.distribution,
		...(spec.spreadMs === undefined ? {} : {spreadMs: spec.spreadMs}),
		...(spec.maxWaitMs === undefined ? {} : {maxWaitMs: spec.maxWaitMs}),
		...(spec.failoverMs === undefined ? {} : {failoverMs: spec.failoverMs}),
		sent: 0,
		failed: 0,
		attempts: 0,
		avgTimeMs: null,
		observedMeanMs: null,
		p95Ms: null,
		rests: 0,
		restedMs: 0,
		window: spec.window ?? 1,
		rate: spec.rate ?? null,
		price: spec.price ?? 0,
		segments: 0,
		throttled: 0,
		...(isRemoved ? {removed: true as const} : {}),
	};
}

/** Makes the SenderSummary of each sender it is given, in turn. */
export class SenderSummaries {
	readonly list: SenderSummary[] = [];
	private spec: SenderSpec | undefined;
	/** The spec has none of the keys a summary gives only when set. */
	private isPlain = false;
	private template: SenderSummary | undefined;
	private removedTemplate: SenderSummary | undefined;

	/** Adds `s`'s summary (`s` may be an object reused for the next sender). */
	readonly add = (s: Readonly<SenderSnapshot>): void => {
		const {spec} = s;
		if (spec !== this.spec) {
			this.spec = spec;
			this.isPlain = spec.spreadMs === undefined && spec.maxWaitMs === undefined && spec.failoverMs === undefined;
			this.template = undefined;
			this.removedTemplate = undefined;
		}

		this.list.push(this.isPlain && s.state !== 'removed' ? plainSummary(s, spec) : this.fromTemplate(s));
	};

	/** A copy of one plain object keeps its shape (every field in the object), then is filled. */
	private fromTemplate(s: Readonly<SenderSnapshot>): SenderSummary {
		const template = s.state === 'removed' ? (this.removedTemplate ??= templateOf(s.spec, true)) : (this.template ??= templateOf(s.spec, false));
		const summary = {...template};
		summary.id = s.id;
		summary.sent = s.sent;
		summary.failed = s.failed;
		summary.attempts = s.attempts;
		summary.avgTimeMs = round1(s.avgTimeMs);
		summary.observedMeanMs = round1(s.observedMeanMs);
		summary.p95Ms = round1(s.p95Ms);
		summary.rests = s.rests;
		summary.restedMs = round1(s.restedMs) ?? 0;
		summary.segments = s.segments;
		summary.throttled = s.throttled;
		return summary;
	}
}

/** The summary of a running sender whose spec has no optional keys: one literal, the most common shape. */
function plainSummary(s: Readonly<SenderSnapshot>, spec: SenderSpec): SenderSummary {
	return {
		id: s.id,
		meanMs: spec.meanMs,
		failureRate: spec.failureRate,
		distribution: spec.distribution,
		sent: s.sent,
		failed: s.failed,
		attempts: s.attempts,
		avgTimeMs: round1(s.avgTimeMs),
		observedMeanMs: round1(s.observedMeanMs),
		p95Ms: round1(s.p95Ms),
		rests: s.rests,
		restedMs: round1(s.restedMs) ?? 0,
		window: spec.window ?? 1,
		rate: spec.rate ?? null,
		price: spec.price ?? 0,
		segments: s.segments,
		throttled: s.throttled,
	};
}
