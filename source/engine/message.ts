// Message making, the same in-process and in broker mode: the random streams a run's seed
// gives, a message's phone number and text drawn from the producer's stream. Pure.
import {Rng} from './rng.js';

/** What a message is made of; its text is expanded from `textSeed` only when shown or sent. */
export interface MessageBody {
	/** 10 digits as a number below 1e10. */
	phone: number;
	/** 1..100. */
	textLength: number;
	textSeed: number;
}

/** A whole-number mix of the run seed and a stream number, for independent streams. */
export function streamSeed(seed: number, stream: number): number {
	return (Math.imul(seed ^ 0x5b_d1_e9_95, 0x27_d4_eb_2d) + Math.imul(stream, 0x16_56_67_b1)) >>> 0;
}

/** The producer's stream (stream 0; sender n draws from stream n). */
export function producerRng(seed: number): Rng {
	return Rng.fromSeed(streamSeed(seed, 0));
}

/** Draws the next message's phone and text into `into` (three draws, always in this order). */
export function drawMessage(rng: Rng, into: MessageBody): void {
	into.phone = rng.int(100_000) * 100_000 + rng.int(100_000);
	into.textLength = 1 + rng.int(100);
	into.textSeed = rng.nextUint32();
}

/** A phone number as ten digits. */
export function phoneText(phone: number): string {
	return String(phone).padStart(10, '0');
}

/** The text of a message: 1..100 printable ASCII characters, expanded from its seed. */
export function messageText(textSeed: number, length: number): string {
	const rng = new Rng(textSeed, 0x9e_37_79_b9, length, 0x2545_f491);
	let text = '';
	for (let i = 0; i < length; i++) text += String.fromCharCode(32 + rng.int(95));
	return text;
}

/**
 * Whether a phone number cannot receive, for a share `invalid` of numbers: decided by the
 * number alone, so the same numbers fail on every sender, every run and every gateway.
 */
export function isInvalidNumber(phone: number, invalid: number): boolean {
	if (invalid <= 0) return false;
	let h = Math.imul((phone % 0x1_00_00_00_00) ^ 0x9e_37_79_b9, 0x85_eb_ca_6b);
	h ^= Math.floor(phone / 0x1_00_00_00_00) + 0x6b_43_a9_b5;
	h = Math.imul(h ^ (h >>> 16), 0x7f_eb_35_2d);
	h = Math.imul(h ^ (h >>> 15), 0x84_6c_a6_8b);
	h ^= h >>> 16;
	return (h >>> 0) / 0x1_00_00_00_00 < invalid;
}
