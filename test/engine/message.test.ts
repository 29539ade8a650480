import {describe, expect, it} from 'vitest';
import {drawMessage, messageText, phoneText, producerRng, streamSeed, type MessageBody} from '../../source/engine/message.js';
import {Rng} from '../../source/engine/rng.js';

const blank = (): MessageBody => ({phone: 0, textLength: 0, textSeed: 0});

describe('message making', () => {
	it('gives the phones every earlier build gave for a seed (pinned from a --log of seed 7)', () => {
		const rng = producerRng(7);
		const phones = Array.from({length: 3}, () => {
			const message = blank();
			drawMessage(rng, message);
			return phoneText(message.phone);
		});
		expect(phones).toEqual(['2748241507', '7111157245', '0144843612']);
	});

	it('draws phone, length and text seed in this order, three draws of the producer stream', () => {
		for (const seed of [0, 1, 42, 2 ** 32 - 1]) {
			const rng = producerRng(seed);
			const reference = Rng.fromSeed(streamSeed(seed, 0));
			for (let i = 0; i < 500; i++) {
				const message = blank();
				drawMessage(rng, message);
				expect(message).toEqual({
					phone: reference.int(100_000) * 100_000 + reference.int(100_000),
					textLength: 1 + reference.int(100),
					textSeed: reference.nextUint32(),
				});
				expect(message.phone).toBeLessThan(1e10);
				expect(message.textLength).toBeGreaterThanOrEqual(1);
				expect(message.textLength).toBeLessThanOrEqual(100);
			}
		}
	});

	it('streams of one seed differ, and the same seed gives the same stream', () => {
		expect(streamSeed(42, 0)).toBe(streamSeed(42, 0));
		const seeds = new Set(Array.from({length: 1000}, (_, i) => streamSeed(42, i)));
		expect(seeds.size).toBe(1000);
		expect(streamSeed(42, 1)).not.toBe(streamSeed(43, 1));
		for (const seed of [0, 7, 2 ** 32 - 1]) {
			const value = streamSeed(seed, 3);
			expect(Number.isInteger(value) && value >= 0 && value < 2 ** 32).toBe(true);
		}
	});

	it('phoneText keeps leading zeros', () => {
		expect(phoneText(144_843_612)).toBe('0144843612');
		expect(phoneText(0)).toBe('0000000000');
		expect(phoneText(9_999_999_999)).toBe('9999999999');
	});

	it('messageText is the length asked for, printable ASCII, the same for the same seed', () => {
		for (let length = 1; length <= 100; length++) {
			const text = messageText(length * 2_654_435_761, length);
			expect(text).toHaveLength(length);
			expect(/^[\x20-\x7e]+$/.test(text)).toBe(true);
			expect(messageText(length * 2_654_435_761, length)).toBe(text);
		}

		expect(messageText(1, 50)).not.toBe(messageText(2, 50));
	});
});
