// `sms-dash smsc`: its flags (the sender and delivery flags of config/, so the model reads as a
// run's), its lines (where it listens, a line a second while anything happens, totals when
// stopped; or JSON lines), and its end for the lifecycle. Returns exit codes; never calls process.exit.
import {randomInt} from 'node:crypto';
import {performance} from 'node:perf_hooks';
import type {AnyFlags} from 'meow';
import {deliveryFlagDraft, finishDelivery} from '../config/delivery.js';
import {ConfigError, errorLine, quote} from '../config/error.js';
import {refuseOtherFlags, TextRequest, type Command, type FlagsOf} from '../config/flags.js';
import {parseCommandLine} from '../config/parse.js';
import {flagValue, limits, whole, type Rule} from '../config/rules.js';
import {senderFromFlags} from '../config/sender-spec.js';
import {formatDuration, ValueError} from '../duration.js';
import {spreadOf} from '../engine/distributions.js';
import {formatClock, formatCount, formatMs} from '../format.js';
import {createLifecycle, type Io, type Lifecycle, type Run} from '../lifecycle.js';
import {startSmsc, type Smsc, type SmscModel, type SmscOptions, type SmscTotals} from './smsc.js';

export const smscFlags = {
	port: {type: 'string'},
	host: {type: 'string'},
	systemId: {type: 'string'},
	password: {type: 'string'},
	mean: {type: 'string'},
	failureRate: {type: 'string', shortFlag: 'f'},
	distribution: {type: 'string'},
	spread: {type: 'string'},
	maxWait: {type: 'string'},
	invalid: {type: 'string'},
	gatewayRate: {type: 'string'},
	delivery: {type: 'string'},
	validity: {type: 'string'},
	seed: {type: 'string'},
	json: {type: 'boolean'},
} as const satisfies AnyFlags;

type SmscFlags = FlagsOf<typeof smscFlags>;

export const defaultPort = 2775;

export const smscHelp = `
	Usage
	  $ sms-dash smsc [--port 2775] [--system-id ID] [--password PW] [options]

	A local SMSC to point SMPP clients at (sms-dash --smpp, or any other): it
	accepts transceiver, transmitter and receiver binds and answers each submit_sm
	after a send time drawn from the model below, as a simulated run's senders
	see it. Ctrl+C stops it and prints its totals.

	Options
	      --port <n>              the TCP port (default ${defaultPort}; 0: any free port,
	                              named in the first line)
	      --host <address>        the address to listen on (default 127.0.0.1;
	                              0.0.0.0 for every interface)
	      --system-id <id>        accept only binds with this system id, else
	                              ESME_RINVSYSID (default: any)
	      --password <pw>         accept only binds with this password, else
	                              ESME_RINVPASWD (default: any; never shown)
	      --mean <duration>       mean time before a submit is answered (default
	                              100ms): "20ms", "1.5s" or seconds "0.2"
	  -f, --failure-rate <p>      share of submits refused with ESME_RSUBMITFAIL
	                              (a temporary error), 0..1 (default 0.1)
	      --distribution <name>   gamma (default) | exponential | normal |
	                              lognormal | uniform | constant
	      --spread <duration>     spread around the mean (default mean/2; not
	                              for constant, exponential)
	      --max-wait <duration>   the longest an answer takes (default: no cap)
	      --invalid <p>           share of destination numbers refused with
	                              ESME_RINVDSTADR, the same numbers every time,
	                              0..1 (default 0)
	      --gateway-rate <n>      segments per second accepted (a bucket of one
	                              second's worth); beyond it ESME_RTHROTTLED
	                              (default none)
	      --delivery <spec>       when receipts come after acceptance, such as
	                              "mean=8s,distribution=lognormal" or
	                              "mean=8s,undelivered=0.02" (default: DELIVRD
	                              at once)
	      --validity <duration>   when an undelivered message's EXPIRED receipt
	                              comes (default 48h)
	      --seed <n>              seed of the draws, 0..4294967295 (default:
	                              random, printed)
	      --json                  one JSON object per line

	A receipt (deliver_sm, esm_class 0x04, "id:... stat:DELIVRD ...") goes to the
	bind that submitted, or to another receiving bind of its system id, when
	registered_delivery asks (1: always, 2: failures only). It prints a line a
	second while anything happens: binds, submits/s, answers, receipts.

	Exit codes
	  130 stopped (Ctrl+C or kill), 2 bad input or the port cannot be used, 1
	  anything else

	Examples
	  $ sms-dash smsc
	  $ sms-dash smsc --port 2776 --system-id alerts --password secret \\
	      --mean 20ms -f 0 --gateway-rate 500 \\
	      --delivery "mean=5s,undelivered=0.02"
`;

export const smscCommand: Command<typeof smscFlags> = {name: 'smsc', help: smscHelp, flags: smscFlags};

/** A line a second while anything changes (and one more once it stops). */
const lineEveryMs = 1000;

/** SMPP 3.4 bind fields: system_id at most 15 characters, password at most 8. */
const credential =
	(max: number): Rule<string> =>
	raw => {
		if (typeof raw !== 'string' || raw === '') throw new ValueError('must not be empty');
		if (raw.length > max) throw new ValueError(`must be at most ${max} characters (SMPP 3.4), got ${raw.length}`);
		if (!/^[\x20-\x7e]+$/.test(raw)) throw new ValueError('must be printable ASCII');
		return raw;
	};

const hostName: Rule<string> = raw => {
	if (typeof raw !== 'string' || raw.trim() === '') throw new ValueError('must be an address to listen on, such as 127.0.0.1 or 0.0.0.0');
	return raw.trim();
};

export interface SmscPlan extends Required<Pick<SmscOptions, 'host' | 'port'>> {
	systemId: string | undefined;
	password: string | undefined;
	model: SmscModel;
	isJson: boolean;
}

/** Flags -> what to start; throws ConfigError naming the flag. */
export function resolveSmscPlan(flags: SmscFlags, randomSeed: () => number = () => randomInt(0, limits.seed)): SmscPlan {
	refuseOtherFlags(smscCommand, flags);
	const delivery = finishDelivery(
		deliveryFlagDraft(flags, () => {
			throw new ConfigError('smsc reads no file');
		}),
	);
	return {
		port: flagValue(flags, 'port', whole(0, 65_535))?.value ?? defaultPort,
		host: flagValue(flags, 'host', hostName)?.value ?? '127.0.0.1',
		systemId: flagValue(flags, 'systemId', credential(15))?.value,
		password: flagValue(flags, 'password', credential(8))?.value,
		model: {
			send: senderFromFlags(flags),
			invalid: delivery.invalid ?? 0,
			gatewayRate: delivery.gatewayRate,
			delivery: delivery.delivery,
			validityMs: delivery.validityMs,
			seed: flagValue(flags, 'seed', whole(0, limits.seed))?.value ?? randomSeed(),
		},
		isJson: flags.json === true,
	};
}

/**
 * Runs `sms-dash smsc` with the arguments after `smsc`; resolves with the exit code. Bad
 * input or a port it cannot listen on: one line on stderr, 2.
 */
export async function runSmscCommand(argv: string[], lifecycle: Lifecycle = createLifecycle(process)): Promise<number> {
	try {
		const plan = resolveSmscPlan(parseCommandLine(smscCommand, argv, import.meta));
		const smsc = await listen(plan);
		return await lifecycle.drive(smscRun(smsc, plan, lifecycle.io));
	} catch (error) {
		// --help, --version: the command line prints them.
		if (error instanceof TextRequest) throw error;
		lifecycle.dispose();
		if (error instanceof ConfigError) {
			lifecycle.io.err(`sms-dash smsc: ${errorLine(error.message)}\n`);
			return 2;
		}

		lifecycle.io.err(`sms-dash smsc: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
}

/** Starts listening; a port or address it cannot use is bad input, said in one line. */
async function listen(plan: SmscPlan): Promise<Smsc> {
	try {
		return await startSmsc(plan);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const where = `${plan.host}:${plan.port}`;
		switch (code) {
			case 'EADDRINUSE': {
				throw new ConfigError(`--port ${plan.port}: ${where} is already in use (another SMSC? --port 0 takes any free port)`);
			}

			case 'EACCES': {
				throw new ConfigError(`--port ${plan.port}: not allowed to listen on ${where} (ports below 1024 need privileges)`);
			}

			case 'EADDRNOTAVAIL':
			case 'ENOTFOUND':
			case 'EAI_AGAIN':
			case 'EAFNOSUPPORT': {
				throw new ConfigError(`--host ${quote(plan.host)}: cannot listen there (${code}); give an address of this machine, such as 127.0.0.1`);
			}

			default: {
				throw error;
			}
		}
	}
}

/** The model in words, for the line under the first. */
export function describeModel(model: SmscModel): string {
	const {send} = model;
	const spread = spreadOf(send);
	const parts = [
		`${send.distribution} mean ${formatDuration(send.meanMs)}${spread > 0 && send.spreadMs !== undefined ? ` spread ${formatDuration(spread)}` : ''}${send.maxWaitMs === undefined ? '' : ` max ${formatDuration(send.maxWaitMs)}`}`,
		`failure rate ${send.failureRate}`,
		`invalid ${model.invalid}`,
		`gateway ${model.gatewayRate === undefined ? 'no cap' : `${model.gatewayRate}/s`}`,
		model.delivery === undefined
			? 'receipts at once'
			: `receipts ${model.delivery.distribution} mean ${formatDuration(model.delivery.meanMs)}, undelivered ${model.delivery.undelivered}`,
	];
	return parts.join(' · ');
}

/** The lines of the SMSC as the lifecycle drives it: a line a second while anything happens, totals at the end. */
export function smscRun(smsc: Smsc, plan: SmscPlan, io: Io): Run {
	const startedAt = performance.now();
	const elapsedMs = () => performance.now() - startedAt;
	let ticker: ReturnType<typeof setInterval> | undefined;
	let last = smsc.totals();
	let lastAt = 0;
	let wasBusy = false;
	const {isJson} = plan;
	const json = (object: Record<string, unknown>) => io.out(`${JSON.stringify(object)}\n`);

	const access = plan.systemId === undefined && plan.password === undefined ? 'any system id and password' : `system id ${plan.systemId === undefined ? 'any' : quote(plan.systemId)}, password ${plan.password === undefined ? 'any' : 'set'}`;
	if (isJson) {
		json({type: 'listening', host: smsc.host, port: smsc.port, seed: plan.model.seed, systemId: plan.systemId ?? null, hasPassword: plan.password !== undefined});
	} else {
		io.out(`sms-dash smsc: listening on ${smsc.host.includes(':') ? `[${smsc.host}]` : smsc.host}:${smsc.port} · ${access} · seed ${plan.model.seed}\n`);
		io.out(`sms-dash smsc: ${describeModel(plan.model)}\n`);
	}

	const tick = () => {
		const now = elapsedMs();
		const totals = smsc.totals();
		const seconds = (now - lastAt) / 1000;
		const submitsPerSecond = (totals.submits - last.submits) / seconds;
		const receiptsPerSecond = (totals.receipts - last.receipts) / seconds;
		// Quiet while nothing happens; the second after it stopped still says 0/s once.
		const isQuiet = sameTotals(totals, last) && !wasBusy;
		wasBusy = !sameTotals(totals, last);
		last = totals;
		lastAt = now;
		if (isQuiet) return;
		if (isJson) {
			json({type: 'progress', elapsedMs: Math.round(now), ...totals, submitsPerSecond: round(submitsPerSecond), receiptsPerSecond: round(receiptsPerSecond)});
			return;
		}

		const figures = [
			`binds ${totals.binds}`,
			`submits ${formatCount(submitsPerSecond)}/s`,
			`accepted ${formatCount(totals.accepted)}`,
			`throttled ${formatCount(totals.throttled)}`,
			`failed ${formatCount(totals.failed)}`,
			`invalid ${formatCount(totals.invalid)}`,
			`receipts ${formatCount(totals.receipts)}`,
			`pending ${formatCount(totals.receiptsPending)}`,
		];
		io.out(`[${formatClock(now).padStart(7)}] ${figures.join('  ')}\n`);
	};

	return {
		start() {
			ticker = setInterval(tick, lineEveryMs);
		},
		hurry() {
			smsc.cut();
		},
		async finish() {
			clearInterval(ticker);
			await smsc.close();
			const totals = smsc.totals();
			const now = elapsedMs();
			if (isJson) json({type: 'summary', elapsedMs: Math.round(now), ...totals, submitsPerSecond: round(totals.submits / Math.max(now / 1000, 1e-3)), seed: plan.model.seed});
			else io.out(totalsText(totals, now));
			return {code: 0};
		},
	};
}

const round = (value: number) => Math.round(value * 10) / 10;

function sameTotals(a: SmscTotals, b: SmscTotals): boolean {
	return (Object.keys(a) as Array<keyof SmscTotals>).every(key => a[key] === b[key]);
}

/** The totals block printed when the SMSC stops. */
export function totalsText(totals: SmscTotals, elapsedMs: number): string {
	const count = formatCount;
	const refused = totals.bindsRefused > 0 ? `, ${count(totals.bindsRefused)} refused` : '';
	const left = [
		totals.inFlight > 0 ? `${count(totals.inFlight)} unanswered at the stop` : undefined,
		totals.dropped > 0 ? `${count(totals.dropped)} dropped (client gone)` : undefined,
	].filter(part => part !== undefined);
	return [
		`sms-dash smsc: stopped after ${formatMs(elapsedMs)}`,
		`  binds     ${count(totals.bindsInAll)} in all${refused}`,
		`  submits   ${count(totals.submits)}: accepted ${count(totals.accepted)} · throttled ${count(totals.throttled)} · failed ${count(totals.failed)} · invalid ${count(totals.invalid)}`,
		...(left.length > 0 ? [`            ${left.join(' · ')}`] : []),
		`  receipts  ${count(totals.receipts)} sent (DELIVRD ${count(totals.delivered)}, EXPIRED ${count(totals.expired)}) · ${count(totals.receiptsAcknowledged)} acknowledged · ${count(totals.receiptsPending)} not sent`,
		'',
	].join('\n');
}
