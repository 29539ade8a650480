// The SMPP senders against a second SMSC written here on the smpp package (test/helpers/test-smsc.ts),
// on loopback with real sockets: PDUs and segments counted exactly, windows, throttling, invalid
// numbers, timeouts, receipts, a dropped bind, conservation at every reading.
import {afterEach, describe, expect, it} from 'vitest';
import type {RunSettings, SenderSpec} from '../../source/engine/types.js';
import {SmppSimulation, type SmppOptions} from '../../source/smpp/simulation.js';
import {parseSmppUrl} from '../../source/smpp/url.js';
import {status} from '../../source/smpp/wire.js';
import {TestSmsc, type TestSmscOptions} from '../helpers/test-smsc.js';

const bindSpec = (window = 1, rate?: number): SenderSpec => ({meanMs: 0, failureRate: 0, distribution: 'constant', window, ...(rate === undefined ? {} : {rate})});

let smsc: TestSmsc | undefined;
let simulation: SmppSimulation | undefined;
afterEach(async () => {
	await simulation?.close();
	await smsc?.close();
	simulation = undefined;
	smsc = undefined;
});

async function start(smscOptions: TestSmscOptions, settings: Partial<RunSettings>, options: Partial<SmppOptions> = {}): Promise<{smsc: TestSmsc; simulation: SmppSimulation; notices: string[]}> {
	smsc = new TestSmsc(smscOptions);
	const port = await smsc.listen();
	const notices: string[] = [];
	simulation = new SmppSimulation(
		{messages: 10, senders: [bindSpec()], retries: 0, seed: 7, intervalMs: 1000, validityMs: 60_000, ...settings},
		{target: parseSmppUrl(`smpp://tester:secret@127.0.0.1:${port}`), from: 'ALERT', submitTimeoutMs: 10_000, onNotice: text => notices.push(text), ...options},
	);
	await simulation.open();
	return {smsc, simulation, notices};
}

/** Drives the simulation as the driver does, on the wall clock, until it is done; checks conservation at every step. */
async function runToEnd(sim: SmppSimulation, limitMs = 10_000): Promise<void> {
	const started = performance.now();
	while (!sim.isDone) {
		sim.runUntil(Number.POSITIVE_INFINITY);
		const t = sim.totals();
		expect(t.produced).toBe(t.queued + t.inFlight + t.sent + t.failed);
		if (performance.now() - started > limitMs) throw new Error(`not done in ${limitMs} ms: ${JSON.stringify(sim.totals())}`);
		await new Promise(resolve => setTimeout(resolve, 2));
	}
}

describe('SMPP senders against a test SMSC', () => {
	it('sends every segment once, concatenated, within each window, and matches every receipt', async () => {
		const text = 'Evacuate now. '.repeat(15); // 210 GSM-7 characters: 2 segments
		const {smsc, simulation} = await start(
			{reply: () => ({delayMs: 3, receipt: 'DELIVRD', receiptDelayMs: 2})},
			{messages: 30, senders: [bindSpec(3), bindSpec(4)], text},
		);
		await runToEnd(simulation);
		const t = simulation.totals();
		expect(t).toMatchObject({sent: 30, failed: 0, delivered: 30, undelivered: 0, segments: 60, attempts: 30, throttled: 0});
		expect(smsc.submits).toHaveLength(60);
		// Every receipt acknowledged (the last deliver_sm_resp may still be on its way).
		await smsc.until(() => smsc.receiptsAcked >= 60);
		expect(smsc.receiptsAcked).toBe(60);
		expect(smsc.binds).toHaveLength(2);
		// The window: bind 0 has 3, bind 1 has 4; never more unanswered at once.
		for (const submit of smsc.submits) expect(submit.outstanding).toBeLessThanOrEqual(submit.session === 0 ? 3 : 4);
		expect(smsc.maxOutstanding).toBeGreaterThan(1);
		for (const submit of smsc.submits) {
			expect(submit.esmClass & 0x40).toBe(0x40);
			expect(submit.dataCoding).toBe(0);
			expect(submit.source).toBe('ALERT');
			expect(submit.registeredDelivery).toBe(1);
			// The package hands the UDH over as its elements: IEI 00 (concatenation), length 3, ref, total, seq.
			expect([...submit.udh!.subarray(0, 2)]).toEqual([0x00, 0x03]);
			expect(submit.udh![3]).toBe(2);
		}

		// Each destination got part 1 and part 2 under one reference, the text whole.
		const byDestination = new Map<string, typeof smsc.submits>();
		for (const submit of smsc.submits) byDestination.set(submit.destination, [...(byDestination.get(submit.destination) ?? []), submit]);
		expect(byDestination.size).toBeGreaterThan(25);
		for (const parts of byDestination.values()) {
			const sorted = parts.toSorted((a, b) => a.udh![4]! - b.udh![4]!);
			if (sorted.length !== 2) continue;
			expect(sorted.map(p => p.udh![4])).toEqual([1, 2]);
			expect(sorted[0]!.udh![2]).toBe(sorted[1]!.udh![2]);
			expect(sorted.map(p => p.text).join('')).toBe(text);
		}
	});

	it('sends UCS-2 as data_coding 8 and one-segment text without a UDH', async () => {
		const {smsc, simulation} = await start({reply: () => ({receipt: 'DELIVRD'})}, {messages: 3, text: 'Évacuez 🚨'});
		await runToEnd(simulation);
		expect(smsc.submits).toHaveLength(3);
		for (const submit of smsc.submits) {
			expect(submit.dataCoding).toBe(8);
			expect(submit.esmClass & 0x40).toBe(0);
			expect(submit.text).toBe('Évacuez 🚨');
		}
	});

	it('backs off after ESME_RTHROTTLED and ESME_RMSGQFUL and submits again: throttled, not attempts', async () => {
		const {smsc, simulation} = await start(
			{reply: (_, n) => ({status: n === 2 ? status.throttled : n === 4 ? status.queueFull : status.ok, receipt: 'DELIVRD'})},
			{messages: 5, backoffMs: 80},
		);
		const began = performance.now();
		await runToEnd(simulation);
		const t = simulation.totals();
		expect(t).toMatchObject({sent: 5, failed: 0, attempts: 5, throttled: 2, delivered: 5});
		expect(smsc.submits).toHaveLength(7);
		// The same destination again after each throttle, after the backoff.
		expect(smsc.submits[2]!.destination).toBe(smsc.submits[1]!.destination);
		expect(performance.now() - began).toBeGreaterThanOrEqual(160);
		expect(simulation.snapshot().senders[0]!.throttled).toBe(2);
	});

	it('tries an invalid number once, retries a temporary error per --retries, and times out a silent submit', async () => {
		const {smsc, simulation, notices} = await start(
			{
				reply(_, n) {
					if (n === 1) return {status: status.invalidDestination};
					if (n === 2) return {status: status.submitFailed};
					if (n === 4) return {isSilent: true};
					return {receipt: 'DELIVRD'};
				},
			},
			{messages: 4, retries: 1},
			{submitTimeoutMs: 150},
		);
		await runToEnd(simulation);
		const t = simulation.totals();
		// 1 invalid (one submit); 2 failed once then sent; 3 sent; 4 silent, timed out, then sent.
		expect(t).toMatchObject({sent: 3, failed: 1, failedInvalid: 1, attempts: 6, delivered: 3});
		expect(smsc.submits).toHaveLength(6);
		expect(smsc.submits.filter(s => s.destination === smsc.submits[0]!.destination)).toHaveLength(1);
		expect(notices.some(line => line.includes('no answer within 0.15 s'))).toBe(true);
	});

	it('counts a message undelivered when a segment receipt says so, or when none comes by --validity', async () => {
		const {simulation} = await start({reply: (_, n) => (n === 1 ? {receipt: 'UNDELIV'} : n === 2 ? {} : {receipt: 'DELIVRD'})}, {messages: 3, validityMs: 200});
		const outcomes: Array<{id: number; delivery?: string}> = [];
		simulation.onFinish = outcome => outcomes.push({id: outcome.id, delivery: outcome.delivery});
		await runToEnd(simulation);
		expect(simulation.totals()).toMatchObject({sent: 3, delivered: 1, undelivered: 2});
		expect(outcomes.filter(o => o.delivery === 'expired')).toHaveLength(2);
		expect(outcomes.filter(o => o.delivery === 'delivered')).toHaveLength(1);
	});

	it('loses nothing when the SMSC drops a bind mid-run: its unanswered submits go back and are sent', async () => {
		const {smsc, simulation, notices} = await start(
			{reply: () => ({delayMs: 20, receipt: 'DELIVRD'})},
			{messages: 40, senders: [bindSpec(5), bindSpec(5)]},
			{bind: {reconnectMs: 30}},
		);
		const done = runToEnd(simulation);
		await smsc.until(() => smsc.submits.length >= 12);
		smsc.drop(0);
		await done;
		const t = simulation.totals();
		expect(t).toMatchObject({produced: 40, sent: 40, failed: 0, delivered: 40});
		expect(simulation.resent).toBeGreaterThan(0);
		// The dropped submits went again: more submits than messages, every destination accepted.
		expect(smsc.submits.length).toBeGreaterThan(40);
		expect(new Set(smsc.submits.map(s => s.destination)).size).toBe(40);
		expect(notices.some(line => /bind #1 dropped .*back in the queue; binding again/.test(line))).toBe(true);
		expect(notices.some(line => line.includes('bind #1 bound again'))).toBe(true);
		expect(smsc.binds.length).toBe(3);
	});

	it('asks an idle SMSC with enquire_link; an SMSC gone leaves the binds reconnecting, nothing lost', async () => {
		const {smsc, simulation, notices} = await start({reply: () => ({delayMs: 30})}, {messages: 20, senders: [bindSpec(4), bindSpec(4)]}, {submitTimeoutMs: 400, bind: {enquireLinkMs: 40, reconnectMs: 20}});
		simulation.runUntil(0);
		await smsc.until(() => smsc.submits.length >= 3);
		await smsc.close();
		const deadline = performance.now() + 5000;
		while (simulation.snapshot().senders.some(sender => sender.bind?.state !== 'reconnecting')) {
			if (performance.now() > deadline) throw new Error('the binds did not show reconnecting');
			await new Promise(resolve => setTimeout(resolve, 5));
		}

		simulation.runUntil(Number.POSITIVE_INFINITY);
		const t = simulation.totals();
		expect(t.produced).toBe(t.queued + t.inFlight + t.sent + t.failed);
		expect(t.inFlight).toBe(0);
		expect(t.sent + t.queued).toBe(t.produced);
		const deadline2 = performance.now() + 5000;
		while (!notices.some(line => /bind #\d cannot bind again \(cannot reach the SMSC: connection refused \(ECONNREFUSED\)\); trying with backoff/.test(line))) {
			if (performance.now() > deadline2) throw new Error(`no rebind notice: ${notices.join(' | ')}`);
			await new Promise(resolve => setTimeout(resolve, 5));
		}
	});

	it('sends enquire_link on an idle bind', async () => {
		const {smsc, simulation} = await start({reply: () => ({receipt: 'DELIVRD'})}, {messages: 1}, {submitTimeoutMs: 100, bind: {enquireLinkMs: 30}});
		await runToEnd(simulation);
		await smsc.until(() => smsc.enquireLinks >= 2);
		expect(smsc.enquireLinks).toBeGreaterThanOrEqual(2);
	});

	it('drops a bind whose SMSC leaves enquire_link unanswered, and binds again', async () => {
		const {smsc, notices} = await start({isDeafToEnquireLink: true}, {messages: 1}, {submitTimeoutMs: 100, bind: {enquireLinkMs: 30, reconnectMs: 10}});
		await smsc.until(() => smsc.binds.length >= 2);
		expect(notices.some(line => line.includes('bind #1 dropped (the SMSC stopped answering enquire_link)'))).toBe(true);
	});

	it('unbinds every bind when closed', async () => {
		const {smsc, simulation} = await start({reply: () => ({receipt: 'DELIVRD'})}, {messages: 2, senders: [bindSpec(), bindSpec()]});
		await runToEnd(simulation);
		await simulation.close();
		expect(smsc.unbinds).toBe(2);
	});

	it('a wrong password: one line naming the refusal, never the password', async () => {
		smsc = new TestSmsc({password: 'right'});
		const port = await smsc.listen();
		const sim = new SmppSimulation(
			{messages: 1, senders: [bindSpec()], retries: 0, seed: 1, intervalMs: 1000},
			{target: parseSmppUrl(`smpp://tester:wrongpw@127.0.0.1:${port}`), from: 'ALERT', submitTimeoutMs: 1000},
		);
		const error = await sim.open().then(() => undefined, (error: unknown) => error as Error);
		expect(error?.message).toMatch(/refused the bind: ESME_RINVPASWD \(wrong password\)/);
		expect(error?.message).not.toContain('wrongpw');
		expect(error?.message).toContain('smpp://tester:***@127.0.0.1');
	});
});
