// Every key of the table, pressed in the rendered dashboard: what it does to the store
// (what the user sees) and to the engine (what the simulation does).
import {describe, expect, test} from 'vitest';
import {runningSenders, type DashState} from '../../source/store.js';
import {dashPerTest, KEY, lines, type Dash} from '../helpers/render-dash.js';

const open = dashPerTest({start: true});

function running(state: DashState) {
	return runningSenders(state.snap);
}

function selectedSender(d: Dash) {
	const state = d.store.getState();
	return running(state)[state.ui.selected]!;
}

/** Every message made is somewhere: sent, failed, queued or in flight. */
function expectConserved(d: Dash): void {
	const t = d.run.engine.totals();
	expect(t.sent + t.failed + t.queued + t.inFlight).toBe(t.produced);
}

describe('senders', () => {
	test('a adds a copy of the selected sender, which then sends', async () => {
		const d = await open({senders: [{meanMs: 100, failureRate: 0.1, distribution: 'gamma'}, {meanMs: 40, failureRate: 0, distribution: 'exponential'}]});
		await d.press('j', 'a');
		const senders = running(d.store.getState());
		expect(senders).toHaveLength(3);
		expect(d.run.engine.senderIds()).toEqual([1, 2, 3]);
		expect(senders[2]!.spec).toEqual({meanMs: 40, failureRate: 0, distribution: 'exponential'});
		expect(lines(d.frame())[0]).toContain('3 senders');
		await d.advance(2000);
		const added = d.run.engine.snapshot().senders.find(s => s.id === 3)!;
		expect(added.sent).toBeGreaterThan(10);
		expect(d.frame()).toMatch(/#3 /);
	});

	test('x removes the selected sender and no message is lost', async () => {
		const d = await open({messages: 300});
		await d.advance(1500);
		await d.press('j');
		expect(selectedSender(d).id).toBe(2);
		const before = d.run.engine.totals();
		await d.press('x');
		expect(d.run.engine.senderIds()).toEqual([1, 3]);
		expect(running(d.store.getState()).map(s => s.id)).toEqual([1, 3]);
		expect(lines(d.frame())[0]).toContain('2 senders');
		expect(d.frame()).not.toMatch(/#2 /);
		// Its message went back to the queue: one fewer in flight, nothing finished twice.
		const after = d.run.engine.totals();
		expect(after.inFlight).toBe(before.inFlight - 1);
		expect(after.sent + after.failed).toBe(before.sent + before.failed);
		expectConserved(d);
		await d.advance(30_000);
		expect(d.run.engine.isDone).toBe(true);
		const done = d.run.engine.totals();
		expect(done.sent + done.failed).toBe(300);
		expectConserved(d);
	});

	test('d removes too; removing every sender leaves the run waiting, and a brings it back', async () => {
		const d = await open({messages: 100});
		await d.advance(500);
		await d.press('d', 'd', 'x');
		expect(d.run.engine.senderIds()).toEqual([]);
		expect(lines(d.frame())[0]).toContain('waiting for senders');
		expect(d.frame()).toMatch(/ETA\s+–/);
		expectConserved(d);
		const waiting = d.run.engine.totals();
		await d.advance(2000);
		expect(d.run.engine.totals().sent).toBe(waiting.sent);
		await d.press('x');
		expect(d.run.engine.senderIds()).toEqual([]);
		await d.press('a');
		expect(d.run.engine.senderIds()).toEqual([4]);
		await d.advance(20_000);
		expect(d.run.engine.isDone).toBe(true);
		expectConserved(d);
	});
});

describe('selection', () => {
	test('↑↓, k j, g G, Home End and PgUp PgDn move it, within the list', async () => {
		const d = await open({senders: 30});
		const selected = () => d.store.getState().ui.selected;
		await d.press(KEY.down, 'j');
		expect(selected()).toBe(2);
		await d.press(KEY.up);
		expect(selected()).toBe(1);
		await d.press('k', 'k', 'k');
		expect(selected()).toBe(0);
		await d.press('G');
		expect(selected()).toBe(29);
		await d.press('j');
		expect(selected()).toBe(29);
		await d.press('g');
		expect(selected()).toBe(0);
		await d.press(KEY.end);
		expect(selected()).toBe(29);
		await d.press(KEY.home);
		expect(selected()).toBe(0);
		await d.press(KEY.pageDown);
		const page = selected();
		expect(page).toBeGreaterThan(5);
		await d.press(KEY.pageUp);
		expect(selected()).toBe(0);
		expect(d.frame()).toMatch(/› #1 /);
	});

	test('the selected row is the one the tuning keys change', async () => {
		const d = await open();
		await d.press('j', 'j', '+');
		expect(d.run.engine.snapshot().senders.map(s => s.spec.meanMs)).toEqual([100, 100, 80]);
		expect(d.frame()).toMatch(/› #3\s+gamma\s+80\.0ms/);
	});
});

describe('tuning', () => {
	test('+ and = shorten the mean (×0.8), - lengthens it (×1.25), in store and engine', async () => {
		const d = await open();
		await d.press('+');
		expect(selectedSender(d).spec.meanMs).toBe(80);
		expect(d.run.engine.snapshot().senders[0]!.spec.meanMs).toBe(80);
		await d.press('=');
		expect(d.run.engine.snapshot().senders[0]!.spec.meanMs).toBe(64);
		await d.press('-', '-');
		expect(d.run.engine.snapshot().senders[0]!.spec.meanMs).toBe(100);
		expect(d.run.engine.actions.filter(a => 'tune' in a)).toHaveLength(4);
	});

	test('a shorter mean makes the sender faster', async () => {
		const d = await open({senders: 2, messages: 100_000});
		await d.press('+', '+', '+', '+', '+', '+');
		await d.advance(10_000);
		const [fast, slow] = d.run.engine.snapshot().senders;
		expect(fast!.spec.meanMs).toBeCloseTo(26.214, 3);
		expect(fast!.sent + fast!.failed).toBeGreaterThan(2 * (slow!.sent + slow!.failed));
	});

	test('] raises the failure rate by 0.05 and [ lowers it, within 0..1', async () => {
		const d = await open();
		await d.press(']');
		expect(selectedSender(d).spec.failureRate).toBe(0.15);
		expect(d.run.engine.snapshot().senders[0]!.spec.failureRate).toBe(0.15);
		expect(d.frame()).toMatch(/› #1 .* 15% /);
		await d.press('[', '[', '[', '[');
		expect(d.run.engine.snapshot().senders[0]!.spec.failureRate).toBe(0);
		await d.press(...Array.from({length: 25}, () => ']'));
		expect(d.run.engine.snapshot().senders[0]!.spec.failureRate).toBe(1);
	});

	test('[ at 0% and ] at 100% change nothing, so no action is recorded', async () => {
		const d = await open({spec: {failureRate: 0.05}});
		await d.press('[');
		const tunes = () => d.run.engine.actions.filter(a => 'tune' in a);
		expect(tunes()).toHaveLength(1);
		await d.press('[', '[');
		expect(tunes()).toHaveLength(1);
		expect(selectedSender(d).spec.failureRate).toBe(0);
		await d.press(...Array.from({length: 20}, () => ']'));
		expect(tunes()).toHaveLength(21);
		await d.press(']', ']');
		expect(tunes()).toHaveLength(21);
		expect(selectedSender(d).spec.failureRate).toBe(1);
	});

	test('a failure rate of 1 makes every message of that sender fail', async () => {
		const d = await open({senders: 1, messages: 50});
		await d.press(...Array.from({length: 18}, () => ']'));
		const before = d.run.engine.totals();
		await d.advance(3000);
		const after = d.run.engine.totals();
		expect(after.sent).toBeLessThanOrEqual(before.sent + before.inFlight);
		expect(after.failed).toBeGreaterThan(before.failed + 10);
	});
});

describe('the run', () => {
	test('n asks for 1,000 more messages, and they are sent', async () => {
		const d = await open({messages: 50});
		await d.press('n');
		expect(d.store.getState().snap.total).toBe(1050);
		expect(d.run.engine.totals().total).toBe(1050);
		expect(d.frame()).toContain('/1,050 finished');
		await d.advance(60_000);
		expect(d.run.engine.totals().sent + d.run.engine.totals().failed).toBe(1050);
	});

	test('> and < step the clock faster and slower, and the engine follows', async () => {
		const d = await open();
		await d.press('>');
		expect(d.store.getState().run.speed).toBe(2);
		expect(lines(d.frame())[0]).toContain('speed 2×');
		const from = d.run.engine.simMs;
		await d.advance(1000);
		expect(d.run.engine.simMs - from).toBeCloseTo(2000, -1);
		await d.press('<', '<');
		expect(d.store.getState().run.speed).toBe(0.5);
		const from2 = d.run.engine.simMs;
		await d.advance(2000);
		expect(d.run.engine.simMs - from2).toBeCloseTo(1000, -1);
	});

	test('space pauses the simulation and p resumes it', async () => {
		const d = await open();
		await d.advance(500);
		await d.press(KEY.space);
		expect(d.store.getState().run.isPaused).toBe(true);
		expect(lines(d.frame())[0]).toContain('paused');
		const frozen = d.run.engine.simMs;
		await d.advance(3000);
		expect(d.run.engine.simMs).toBe(frozen);
		await d.press('p');
		expect(d.store.getState().run.isPaused).toBe(false);
		await d.advance(1000);
		expect(d.run.engine.simMs).toBeGreaterThan(frozen + 900);
		expect(lines(d.frame())[0]).toContain('running');
	});
});

describe('help', () => {
	test('? opens help and Esc closes it', async () => {
		const d = await open();
		await d.press('?');
		expect(d.store.getState().ui.isHelpOpen).toBe(true);
		expect(d.frame()).toContain('sms-dash keys');
		await d.press(KEY.esc);
		expect(d.store.getState().ui.isHelpOpen).toBe(false);
		expect(d.frame()).not.toContain('sms-dash keys');
	});

	test('? closes help too', async () => {
		const d = await open();
		await d.press('?', '?');
		expect(d.store.getState().ui.isHelpOpen).toBe(false);
	});

	test('q in help closes help and does not quit', async () => {
		const d = await open();
		await d.press('?', 'q');
		expect(d.store.getState().ui.isHelpOpen).toBe(false);
		expect(d.exits).toEqual([]);
		expect(d.frame()).toContain('produced');
	});

	test('help is a mode: other keys do nothing while it is open', async () => {
		const d = await open();
		await d.press('?', 'a', 'x', '+', ']', 'n', '>', ' ', 'j');
		const state = d.store.getState();
		expect(running(state)).toHaveLength(3);
		expect(state.snap.total).toBe(1000);
		expect(state.run.speed).toBe(1);
		expect(state.run.isPaused).toBe(false);
		expect(state.ui.selected).toBe(0);
		expect(d.run.engine.actions).toEqual([]);
	});

	test('Esc outside help does nothing', async () => {
		const d = await open();
		await d.press(KEY.esc);
		expect(d.store.getState().ui.isHelpOpen).toBe(false);
		expect(d.exits).toEqual([]);
	});
});

describe('leaving', () => {
	test('q asks to quit with 0', async () => {
		const d = await open();
		await d.press('q');
		expect(d.exits).toEqual([0]);
	});

	test('Ctrl+C asks to interrupt with 130, in help too', async () => {
		const d = await open();
		await d.press(KEY.ctrlC);
		await d.press('?', KEY.ctrlC);
		expect(d.exits).toEqual([130, 130]);
	});

	test('keys typed together (one chunk) each act', async () => {
		const d = await open();
		await d.press('aa');
		expect(running(d.store.getState())).toHaveLength(5);
	});
});
