// The command line's SMPP words: --smpp, --from and --submit-timeout read and checked, and the
// flags SMPP mode refuses (what the SMSC decides, and the other modes). Imports no socket code.
import {ConfigError} from '../config/error.js';
import type {SenderSpec} from '../engine/types.js';
import {flagLabel} from '../config/flags.js';
import {check, positiveDuration, typed} from '../config/rules.js';
import {SmppError} from './error.js';
import {parseSmppUrl, type SmppTarget} from './url.js';

/** What the command line says about the SMSC. */
export interface SmppCommand {
	target: SmppTarget;
	from: string;
	submitTimeoutMs: number;
}

export const defaultFrom = 'ALERT';
export const defaultSubmitTimeoutMs = 10_000;

/** Flags the SMSC decides (send time, failures, receipts) or that another mode owns. */
const refused: ReadonlyArray<[string, string]> = [
	['mean', 'the SMSC decides how long a submit takes'],
	['distribution', 'the SMSC decides how long a submit takes'],
	['spread', 'the SMSC decides how long a submit takes'],
	['maxWait', 'the SMSC decides how long a submit takes (see --submit-timeout)'],
	['failureRate', 'the SMSC decides which submits fail'],
	['failover', 'a failed submit is retried on the same bind (--retries)'],
	['invalid', 'the SMSC decides which numbers are invalid'],
	['delivery', 'the SMSC sends the receipts'],
	['gatewayRate', "the SMSC throttles above its own cap (keep --senders × --rate under the account's)"],
	['speed', 'an SMPP run is real time'],
	['broker', 'the senders are SMPP binds in this process'],
	['queue', 'the senders are SMPP binds in this process'],
	['waitForWorkers', 'the senders are SMPP binds in this process'],
	['replay', 'a report reruns as a simulation: run it without --smpp'],
];

/**
 * Why SMPP mode refuses a setting (a flag's name, or a config or --sender key: `meanMs` is
 * --mean's), or undefined when it takes it.
 */
export function refusedWithSmpp(name: string): string | undefined {
	const flag = name.endsWith('Ms') ? name.slice(0, -2) : name;
	return refused.find(([refusedName]) => refusedName === flag)?.[1];
}

/**
 * The SMPP settings of a command line, or undefined without --smpp.
 * @throws {ConfigError} a bad URL or value, a flag SMPP mode refuses, --from without --smpp
 */
export function smppCommandOf(flags: Readonly<Record<string, unknown>>): SmppCommand | undefined {
	const url = flags['smpp'];
	if (url === undefined) {
		for (const name of ['from', 'submitTimeout']) {
			if (flags[name] !== undefined) throw new ConfigError(`${flagLabel(name)} is for SMPP senders: it needs --smpp smpp://SYSTEM_ID:PASSWORD@HOST:PORT`);
		}

		return undefined;
	}

	for (const [name, why] of refused) {
		if (flags[name] !== undefined) throw new SmppError(`${flagLabel(name)} is refused with --smpp: ${why}`);
	}

	const target = parseSmppUrl(String(url));
	const from = flags['from'] === undefined ? defaultFrom : checkFrom(String(flags['from']));
	const submitTimeoutMs = flags['submitTimeout'] === undefined ? defaultSubmitTimeoutMs : check(typed(positiveDuration), flags['submitTimeout'], {label: '--submit-timeout'});
	return {target, from, submitTimeoutMs};
}

/**
 * A sender's spec as an SMPP bind: its window, rate cap and price; the send time and failures
 * are the SMSC's, so the summary does not report a distribution that never ran.
 */
export function bindSpecOf(spec: SenderSpec): SenderSpec {
	return {meanMs: 0, failureRate: 0, distribution: 'constant', window: spec.window, rate: spec.rate, price: spec.price};
}

/** A source address: up to 11 letters and digits (alphanumeric sender id), or a number of up to 20 digits (+ for international). */
function checkFrom(raw: string): string {
	const text = raw.trim();
	if (/^\+?\d{1,20}$/.test(text)) return text;
	if (/^[\dA-Za-z][\dA-Za-z .-]{0,10}$/.test(text) && /[A-Za-z]/.test(text)) return text;
	throw new ConfigError(`--from must be a sender id of up to 11 letters and digits, or a number of up to 20 digits (+ for international), got ${JSON.stringify(text.slice(0, 30))}`);
}
