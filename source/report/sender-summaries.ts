// The summary's `senders` made cheap for 100,000 of them: their figures kept in one typed
// array (some 100 bytes a sender, against some 200 for an object), a SenderSummary made
// from them when one is read, and the whole list only when somebody asks for it.
import {doubled} from '../engine/doubled.js';
import type {SenderSnapshot, SenderSpec} from '../engine/types.js';
import {round1} from '../format.js';
import type {SenderSummary, Summary} from '../report.js';

/** A summary's senders one by one: an array, or a table that makes each as it is read. */
export interface SenderRows {
	readonly length: number;
	/** The sender at `index` (from the end when negative), as Array.prototype.at. */
	at(index: number): SenderSummary | undefined;
}

/** Figures a sender: id, sent, failed, attempts, avgTimeMs, observedMeanMs, p95Ms, rests, restedMs, segments, throttled. */
const width = 11;

/** Every sender's SenderSummary figures, rounded as the summary writes them (NaN for null). */
export class SenderTable implements SenderRows {
	length = 0;
	private values: Float64Array;
	private readonly specs: SenderSpec[] = [];
	private removed: Uint8Array;
	/** The spec of the templates, whose optional keys a summary gives; its templates. */
	private spec: SenderSpec | undefined;
	private template: SenderSummary | undefined;
	private removedTemplate: SenderSummary | undefined;
	/** jsonAt's spec and its text around the figures. */
	private jsonSpec: SenderSpec | undefined;
	private jsonRemoved = false;
	private jsonParts: [string, string, string] = ['', '', ''];

	/** @param expected senders it will most likely hold (it grows past them) */
	constructor(expected = 0) {
		this.values = new Float64Array(width * Math.max(16, expected));
		this.removed = new Uint8Array(Math.max(16, expected));
	}

	/** Adds `s`'s figures (`s` may be an object reused for the next sender). */
	readonly add = (s: Readonly<SenderSnapshot>): void => {
		if (this.length === this.removed.length) this.grow();
		const at = this.length * width;
		const values = this.values;
		values[at] = s.id;
		values[at + 1] = s.sent;
		values[at + 2] = s.failed;
		values[at + 3] = s.attempts;
		values[at + 4] = round1(s.avgTimeMs) ?? Number.NaN;
		values[at + 5] = round1(s.observedMeanMs) ?? Number.NaN;
		values[at + 6] = round1(s.p95Ms) ?? Number.NaN;
		values[at + 7] = s.rests;
		values[at + 8] = round1(s.restedMs) ?? 0;
		values[at + 9] = s.segments;
		values[at + 10] = s.throttled;
		this.removed[this.length] = s.state === 'removed' ? 1 : 0;
		this.specs.push(s.spec);
		this.length++;
	};

	/** A new SenderSummary of the sender at `index`, each time it is asked for. */
	at(index: number): SenderSummary | undefined {
		const i = index < 0 ? index + this.length : index;
		if (!(i >= 0 && i < this.length)) return undefined;
		const spec = this.specs[i]!;
		if (spec !== this.spec) {
			this.spec = spec;
			this.template = spec.spreadMs === undefined && spec.maxWaitMs === undefined && spec.failoverMs === undefined ? undefined : templateOf(spec, false);
			this.removedTemplate = undefined;
		}

		const v = this.values;
		const at = i * width;
		if (this.removed[i] === 0 && this.template === undefined) {
			// The most common shape: one literal.
			return {
				id: v[at]!,
				meanMs: spec.meanMs,
				failureRate: spec.failureRate,
				distribution: spec.distribution,
				sent: v[at + 1]!,
				failed: v[at + 2]!,
				attempts: v[at + 3]!,
				avgTimeMs: orNull(v[at + 4]!),
				observedMeanMs: orNull(v[at + 5]!),
				p95Ms: orNull(v[at + 6]!),
				rests: v[at + 7]!,
				restedMs: v[at + 8]!,
				window: spec.window ?? 1,
				rate: spec.rate ?? null,
				price: spec.price ?? 0,
				segments: v[at + 9]!,
				throttled: v[at + 10]!,
			};
		}

		// A copy of one plain object keeps its shape (every field in the object), then is filled.
		const summary = {...(this.removed[i] === 0 ? this.template! : (this.removedTemplate ??= templateOf(spec, true)))};
		summary.id = v[at]!;
		summary.sent = v[at + 1]!;
		summary.failed = v[at + 2]!;
		summary.attempts = v[at + 3]!;
		summary.avgTimeMs = orNull(v[at + 4]!);
		summary.observedMeanMs = orNull(v[at + 5]!);
		summary.p95Ms = orNull(v[at + 6]!);
		summary.rests = v[at + 7]!;
		summary.restedMs = v[at + 8]!;
		summary.segments = v[at + 9]!;
		summary.throttled = v[at + 10]!;
		return summary;
	}

	/** JSON.stringify(this.at(index)) for an index in range, written without making the object. */
	jsonAt(index: number): string {
		const spec = this.specs[index]!;
		const isRemoved = this.removed[index] === 1;
		if (spec !== this.jsonSpec || isRemoved !== this.jsonRemoved) {
			this.jsonSpec = spec;
			this.jsonRemoved = isRemoved;
			// The template's text, cut around its figures (each written as 0 in it).
			const text = JSON.stringify(templateOf(spec, isRemoved));
			const sent = text.indexOf(',"sent":0,');
			const segments = text.indexOf(',"segments":0,');
			this.jsonParts = [text.slice('{"id":0'.length, sent), text.slice(text.indexOf(',', text.indexOf('"restedMs":0')), segments), text.slice(text.indexOf('"throttled":0') + '"throttled":0'.length)];
		}

		const [head, middle, end] = this.jsonParts;
		const v = this.values;
		const at = index * width;
		return `{"id":${json(v[at]!)}${head},"sent":${json(v[at + 1]!)},"failed":${json(v[at + 2]!)},"attempts":${json(v[at + 3]!)},"avgTimeMs":${json(v[at + 4]!)},"observedMeanMs":${json(v[at + 5]!)},"p95Ms":${json(v[at + 6]!)},"rests":${json(v[at + 7]!)},"restedMs":${json(v[at + 8]!)}${middle},"segments":${json(v[at + 9]!)},"throttled":${json(v[at + 10]!)}${end}`;
	}

	/** Figure `field` (0 id, 1 sent, 2 failed) of every sender, read without making their summaries. */
	column(field: 0 | 1 | 2): Float64Array {
		const column = new Float64Array(this.length);
		for (let i = 0; i < this.length; i++) column[i] = this.values[i * width + field]!;
		return column;
	}

	/** Where each run of senders of one spec object starts. */
	specStarts(): number[] {
		const starts: number[] = [];
		for (let i = 0; i < this.length; i++) if (i === 0 || this.specs[i] !== this.specs[i - 1]) starts.push(i);
		return starts;
	}

	/** Every sender's SenderSummary, in order. */
	toArray(): SenderSummary[] {
		const list: SenderSummary[] = [];
		for (let i = 0; i < this.length; i++) list.push(this.at(i)!);
		return list;
	}

	private grow(): void {
		this.values = doubled(this.values);
		this.removed = doubled(this.removed);
	}
}

const orNull = (value: number) => (Number.isNaN(value) ? null : value);

/** A number as JSON.stringify writes it (NaN, for null, as null). */
const json = (value: number) => (Number.isFinite(value) ? String(value) : 'null');

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

/** Summaries whose `senders` nobody has read yet: their table. */
const tables = new WeakMap<Summary, SenderTable>();

/**
 * Makes `summary.senders` (in its place among the keys) a list made from `table` when first
 * read; until then the summary's own writers read the table (senderRows), one sender at a time.
 */
export function setSenders(summary: Summary, table: SenderTable): void {
	const settle = (list: SenderSummary[]) => {
		tables.delete(summary);
		Object.defineProperty(summary, 'senders', {value: list, writable: true, enumerable: true, configurable: true});
		return list;
	};

	tables.set(summary, table);
	Object.defineProperty(summary, 'senders', {
		get: () => settle(table.toArray()),
		set: settle,
		enumerable: true,
		configurable: true,
	});
}

/** The summary's senders, read without making the list when it is not made yet. */
export function senderRows(summary: Summary): SenderRows {
	return tables.get(summary) ?? summary.senders;
}

/** Makes the summary's list of senders now, so that it is plain data throughout (the library's summary). */
export function settleSenders(summary: Summary): Summary {
	const table = tables.get(summary);
	if (table !== undefined) summary.senders = table.toArray();
	return summary;
}

/** The ids, sent and failed counts of every sender, as columns (a table makes no summaries for them). */
export function rankingOf(rows: SenderRows): {ids: Float64Array; sent: Float64Array; failed: Float64Array} {
	if (rows instanceof SenderTable) return {ids: rows.column(0), sent: rows.column(1), failed: rows.column(2)};
	const ids = new Float64Array(rows.length);
	const sent = new Float64Array(rows.length);
	const failed = new Float64Array(rows.length);
	for (let i = 0; i < rows.length; i++) {
		const s = rows.at(i)!;
		ids[i] = s.id;
		sent[i] = s.sent;
		failed[i] = s.failed;
	}

	return {ids, sent, failed};
}

/** Whether a sender passes `test`, which reads only what its spec gives (window, rate, price): a table asks one sender a spec. */
export function someSpec(rows: SenderRows, test: (s: SenderSummary) => boolean): boolean {
	const indices = rows instanceof SenderTable ? rows.specStarts() : Array.from({length: rows.length}, (_, i) => i);
	return indices.some(i => test(rows.at(i)!));
}
