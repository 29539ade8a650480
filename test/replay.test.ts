// Replay is exact: random runtime changes made to a seeded run (straight on the engine, or
// through the store's actions while the clock runs), recorded as the summary's `actions`,
// then replayed from the report through --replay, give the same outcome stream and summary,
// unpaced and at speed 1 (fake timers). A replay of a replay is the same again.
import fc from 'fast-check';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {ConfigError} from '../source/config/error.js';
import {resolveSettings} from '../source/config/resolve.js';
import {applyAction} from '../source/engine/actions.js';
import {createEngine} from '../source/engine/engine.js';
import {distributions, type Action, type Outcome, type RunSettings, type SenderSpec, type TimedAction} from '../source/engine/types.js';
import {buildSummary, reportJson, summaryText, type Summary} from '../source/report.js';
import {replayedPart, replaySettings} from '../source/replay.js';
import {createRun} from '../source/runs/in-process.js';
import {skipNote} from '../source/store.js';
import type {Settings} from '../source/settings.js';
import {parseThreshold} from '../source/thresholds.js';
import {testSettings} from './helpers/settings.js';

const rules = ['p95<250ms', 'failed<20%', 'throughput>1/s'];

function settingsOf(run: RunSettings, speed: number): Settings {
	return testSettings({...run, speed, exitOnDone: true, thresholds: rules.map(rule => parseThreshold(rule))});
}

interface Outcomes {
	outcomes: Outcome[];
	summary: Summary;
}

/** Runs `settings` through createRun (driver, store, script) to its end or a stall. */
async function runToEnd(settings: Settings): Promise<Outcomes> {
	const isFake = vi.isFakeTimers();
	let hasEnded = false;
	const outcomes: Outcome[] = [];
	const run = createRun(settings, {onDone: () => (hasEnded = true), onStall: () => (hasEnded = true)});
	run.engine.onFinish = outcome => outcomes.push(outcome);
	run.store.getState().actions.start();
	for (let turns = 0; !hasEnded; turns++) {
		if (turns > 100_000) throw new Error('the run did not end');
		if (isFake) await vi.advanceTimersByTimeAsync(250);
		else await new Promise(resolve => setImmediate(resolve));
	}

	return {outcomes, summary: run.finish()};
}

/** The summary as --report writes it, read back through `--replay` as the CLI does. */
function replayOf(summary: Summary, speed: 'max' | '1'): Settings {
	const text = reportJson(summary);
	return resolveSettings(
		{replay: 'report.json', speed, headless: true, json: true, exitOnDone: true},
		{
			readFile(path) {
				if (path !== 'report.json') throw Object.assign(new Error('no such file'), {code: 'ENOENT'});
				return text;
			},
			randomSeed: () => {
				throw new Error('a replay never draws a seed');
			},
		},
	);
}

async function atSpeed1<T>(work: () => Promise<T>): Promise<T> {
	vi.useFakeTimers();
	try {
		return await work();
	} finally {
		vi.useRealTimers();
	}
}

/** Replays `original` unpaced and at speed 1, and replays the unpaced replay again. */
async function expectExactReplays(original: Outcomes): Promise<void> {
	const fast = await runToEnd(replayOf(original.summary, 'max'));
	expect(fast.outcomes).toEqual(original.outcomes);
	expect(replayedPart(fast.summary)).toEqual(replayedPart(original.summary));

	const paced = await atSpeed1(() => runToEnd(replayOf(original.summary, '1')));
	expect(paced.outcomes).toEqual(original.outcomes);
	expect(replayedPart(paced.summary)).toEqual(replayedPart(original.summary));

	const again = await runToEnd(replayOf(fast.summary, 'max'));
	expect(again.outcomes).toEqual(original.outcomes);
	expect(replayedPart(again.summary)).toEqual(replayedPart(original.summary));
}

// ---- Arbitraries: what a user could configure and do ---------------------------------------

const whole = (min: number, max: number) => fc.integer({min, max});
/** A time with a fraction, as a paced clock records it. */
const fractionalMs = (max: number) => fc.tuple(whole(0, max), whole(0, 999)).map(([ms, thousandths]) => ms + thousandths / 1000);

const specArb: fc.Arbitrary<SenderSpec> = fc
	.record({
		meanMs: fc.oneof(whole(1, 60), fractionalMs(60).map(ms => ms + 1)),
		failureRate: fc.oneof(fc.constantFrom(0, 0.1, 0.5, 1), fc.double({min: 0, max: 1, noNaN: true})),
		distribution: fc.constantFrom(...distributions),
		spreadShare: fc.option(fc.double({min: 0.05, max: 1, noNaN: true}), {nil: undefined}),
		maxWaitMs: fc.option(whole(1, 120), {nil: undefined}),
		failoverMs: fc.option(whole(0, 300), {nil: undefined}),
	})
	.map(({spreadShare, maxWaitMs, failoverMs, ...spec}) => {
		const hasSpread = spreadShare !== undefined && spec.distribution !== 'constant' && spec.distribution !== 'exponential';
		return {
			...spec,
			// Within what config accepts: uniform at most the mean, normal at most twice it (rounded down:
			// a mean of 8.001999… with a share of 1 must not give 8.002).
			...(hasSpread ? {spreadMs: Math.floor(spec.meanMs * spreadShare * 1000) / 1000} : {}),
			...(maxWaitMs === undefined ? {} : {maxWaitMs}),
			...(failoverMs === undefined ? {} : {failoverMs}),
		};
	});

const runArb: fc.Arbitrary<RunSettings> = fc.record({
	messages: whole(0, 300),
	// Repeated senders too: a report writes them once with a count.
	senders: fc
		.array(fc.tuple(specArb, whole(1, 3)), {maxLength: 3})
		.map(kinds => kinds.flatMap(([spec, count]) => Array.from({length: count}, () => ({...spec})))),
	retries: whole(0, 2),
	seed: whole(0, 2 ** 32 - 1),
	intervalMs: fc.constantFrom(100, 250, 1000),
});

const patchArb: fc.Arbitrary<Partial<SenderSpec>> = fc
	.record(
		{
			meanMs: whole(1, 80),
			failureRate: fc.constantFrom(0, 0.05, 0.3, 1),
			distribution: fc.constantFrom('gamma', 'exponential', 'constant', 'lognormal'),
			maxWaitMs: whole(5, 100),
			failoverMs: whole(0, 200),
		},
		{requiredKeys: []},
	)
	.filter(patch => Object.keys(patch).length > 0);

/** A change; sender ids may name one that never was or is gone (then nothing happens). */
const actionArb: fc.Arbitrary<Action> = fc.oneof(
	specArb.map(add => ({add})),
	whole(1, 8).map(remove => ({remove})),
	fc.tuple(whole(1, 8), patchArb).map(([sender, patch]) => ({tune: {sender, ...patch}})),
	whole(1, 100).map(more => ({more})),
);

const scheduleArb: fc.Arbitrary<TimedAction[]> = fc
	.array(fc.tuple(fc.oneof(fc.constant(0), fractionalMs(4000)), actionArb), {maxLength: 12})
	.map(changes => changes.map(([simMs, action]) => ({simMs, ...action}) as TimedAction).sort((a, b) => a.simMs - b.simMs));

/** A run changed straight on the engine at the given simulated times, as a store action would. */
function runOnEngine(run: RunSettings, schedule: readonly TimedAction[]): Outcomes {
	const engine = createEngine(run);
	const outcomes: Outcome[] = [];
	engine.onFinish = outcome => outcomes.push(outcome);
	const notes: string[] = [];
	for (const change of schedule) {
		engine.runUntil(change.simMs);
		if (!applyAction(engine, change)) notes.push(skipNote(change));
	}

	engine.runUntil(Infinity);
	const summary = buildSummary({engine, settings: settingsOf(run, Infinity), wallElapsedMs: 0, speed: Infinity, notes});
	return {outcomes, summary};
}

afterEach(() => {
	vi.useRealTimers();
});

describe('replay', () => {
	test('random changes on a seeded engine, replayed from the report, give the same outcomes and summary', async () => {
		await fc.assert(
			fc.asyncProperty(runArb, scheduleArb, async (run, schedule) => {
				const original = runOnEngine(run, schedule);
				// Every change is recorded at its time, one that found no sender too (`more: 0` is no change).
				expect(original.summary.actions).toEqual(schedule.filter(change => !('more' in change && change.more <= 0)));
				await expectExactReplays(original);
			}),
			{numRuns: 60},
		);
	});

	/** A dashboard session: store actions at random wall times while the clock runs at speed 1. */
	const sessionArb = fc.array(
		fc.record({
			waitMs: whole(1, 700),
			key: fc.oneof(
				fc.constantFrom('add', 'remove', 'faster', 'slower', 'pause', 'more') as fc.Arbitrary<string>,
				whole(0, 5).map(index => `select ${index}`),
				fc.constantFrom(0.8, 1.25).map(factor => `mean ${factor}`),
				fc.constantFrom(-0.05, 0.05, 0.5).map(delta => `rate ${delta}`),
			),
		}),
		{maxLength: 15},
	);

	test('a session of store actions at speed 1 is replayed exactly, unpaced and paced', async () => {
		await fc.assert(
			fc.asyncProperty(runArb, sessionArb, async (run, session) => {
				const base = {...run, messages: run.messages + 200, senders: run.senders.length === 0 ? [{meanMs: 20, failureRate: 0.1, distribution: 'gamma' as const}] : run.senders};
				const original = await atSpeed1(async () => {
					let hasEnded = false;
					const outcomes: Outcome[] = [];
					const live = createRun(settingsOf(base, 1), {onDone: () => (hasEnded = true), onStall: () => (hasEnded = true)});
					live.engine.onFinish = outcome => outcomes.push(outcome);
					const {actions} = live.store.getState();
					actions.start();
					for (const {waitMs, key} of session) {
						await vi.advanceTimersByTimeAsync(waitMs);
						if (hasEnded) break;
						const [name, value] = key.split(' ');
						const running = live.engine.senderIds().length;
						if (name === 'add') actions.addSender();
						// Never the last one: a stall ends a headless run, and sessions go on.
						else if (name === 'remove' && running > 1) actions.removeSelected();
						else if (name === 'faster') actions.faster();
						else if (name === 'slower') actions.slower();
						else if (name === 'pause') actions.togglePause();
						else if (name === 'more') actions.produceMore(40);
						else if (name === 'select') actions.select(Number(value));
						else if (name === 'mean') actions.scaleMean(Number(value));
						else if (name === 'rate') actions.changeFailureRate(Number(value));
					}

					if (live.driver.isPaused) actions.togglePause();
					while (!hasEnded) await vi.advanceTimersByTimeAsync(500);
					return {outcomes, summary: live.finish()};
				});
				await expectExactReplays(original);
			}),
			{numRuns: 30},
		);
	});

	test('a report\'s settings and actions become the replay\'s settings and script', () => {
		const summary = runOnEngine({messages: 200, senders: [{meanMs: 10, failureRate: 0.2, distribution: 'gamma'}], retries: 1, seed: 5, intervalMs: 500}, [
			{simMs: 100.25, add: {meanMs: 5, failureRate: 0, distribution: 'constant'}},
			{simMs: 300, tune: {sender: 1, failureRate: 1}},
			{simMs: 400, remove: 9},
		]).summary;
		expect(summary.actions).toEqual([
			{simMs: 100.25, add: {meanMs: 5, failureRate: 0, distribution: 'constant'}},
			{simMs: 300, tune: {sender: 1, failureRate: 1}},
			{simMs: 400, remove: 9},
		]);
		expect(summary.notes).toEqual(['0.400s: skipped remove sender 9: no such sender']);
		const settings = replaySettings(summary, {speed: 2, headless: false, json: false, logPath: 'x.log', reportPath: undefined, htmlPath: undefined, exitOnDone: false}, [
			parseThreshold('avg<1s'),
			parseThreshold('p95<250ms'),
		]);
		expect(settings).toMatchObject({messages: 200, retries: 1, seed: 5, intervalMs: 500, speed: 2, logPath: 'x.log', isSeedGiven: true});
		expect(settings.thresholds.map(t => t.expr)).toEqual([...rules, 'avg<1s']);
		expect(settings.script).toEqual(summary.actions);
		expect(settings.script[0]).not.toBe(summary.actions[0]);
	});

	test('a run of 10,000 senders replays exactly from a report that writes each kind once', async () => {
		const kinds: SenderSpec[] = [
			{meanMs: 40, failureRate: 0.1, distribution: 'gamma'},
			{meanMs: 10, failureRate: 0.2, distribution: 'exponential', failoverMs: 30},
		];
		const senders = [6000, 4000].flatMap((count, kind) => Array.from({length: count}, () => ({...kinds[kind]!})));
		const original = runOnEngine({messages: 30_000, senders, retries: 1, seed: 11, intervalMs: 1000}, [
			{simMs: 20, add: kinds[0]!},
			{simMs: 30, tune: {sender: 7, failureRate: 1}},
			{simMs: 40, remove: 9000},
		]);
		expect(original.summary.settings.senders).toStrictEqual([
			{...kinds[0], count: 6000},
			{...kinds[1], count: 4000},
		]);
		expect(original.summary.senders).toHaveLength(10_001);
		const fast = await runToEnd(replayOf(original.summary, 'max'));
		expect(fast.outcomes).toEqual(original.outcomes);
		expect(replayedPart(fast.summary)).toEqual(replayedPart(original.summary));
	});

	test('the text summary lists each rule with its verdict in words and its figure in the rule\'s unit', () => {
		const {summary} = runOnEngine({messages: 300, senders: [{meanMs: 10, failureRate: 0.3, distribution: 'gamma'}], retries: 0, seed: 8, intervalMs: 1000}, []);
		const text = summaryText(summary);
		expect(text).toMatch(/^ {2}thresholds {2}1 of 3 crossed$/m);
		expect(text).toMatch(/^ {4}p95<250ms +pass \(actual \d+\.\dms\)$/m);
		expect(text).toMatch(/^ {4}failed<20% +FAIL \(actual \d+\.\d%\)$/m);
		expect(text).toMatch(/^ {4}throughput>1\/s {2}pass \(actual \d+\.\d\/s\)$/m);
	});
});

describe('scripts', () => {
	test('an action on a sender that is gone is skipped and noted, never a crash; the others apply at their exact times', async () => {
		const run: RunSettings = {messages: 400, senders: [{meanMs: 10, failureRate: 0, distribution: 'gamma'}, {meanMs: 10, failureRate: 0, distribution: 'gamma'}], retries: 0, seed: 3, intervalMs: 250};
		const script: TimedAction[] = [
			{simMs: 100, tune: {sender: 7, failureRate: 1}},
			{simMs: 500.5, remove: 1},
			{simMs: 700, remove: 1},
			{simMs: 800, tune: {sender: 1, meanMs: 1}},
			{simMs: 900, tune: {sender: 2, failureRate: 1}},
		];
		for (const speed of [Infinity, 1]) {
			const work = () => runToEnd({...settingsOf(run, speed), script});
			const {outcomes, summary} = speed === 1 ? await atSpeed1(work) : await work();
			// Every action is recorded, the skipped ones too, so a replay notes them as well.
			expect(summary.actions).toEqual(script);
			const notes = [
				'0.100s: skipped tune sender 7: no such sender',
				'0.700s: skipped remove sender 1: no such sender',
				'0.800s: skipped tune sender 1: no such sender',
			];
			expect(summary.notes).toEqual(notes);
			const replayed = await runToEnd(replayOf(summary, 'max'));
			expect(replayed.summary.notes).toEqual(notes);
			expect(replayed.outcomes).toEqual(outcomes);
			expect(summary.sent + summary.failed).toBe(400);
			expect(outcomes.filter(o => o.sender === 1).every(o => o.simMs <= 500.5)).toBe(true);
			expect(outcomes.filter(o => o.sender === 2 && o.simMs > 900).every(o => o.outcome === 'failed')).toBe(true);
			expect(outcomes.filter(o => o.simMs <= 900).every(o => o.outcome === 'sent')).toBe(true);
		}
	});

	test('a replay refuses a report it cannot trust with a ConfigError', () => {
		const summary = runOnEngine({messages: 10, senders: [], retries: 0, seed: 1, intervalMs: 1000}, []).summary;
		const broken = {...summary, settings: {...summary.settings, retries: 'many'}};
		expect(() => replayOf(broken as unknown as Summary, 'max')).toThrow(ConfigError);
	});
});
