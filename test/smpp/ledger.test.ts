// An SMPP run's ledger: receipts matched by every segment's message id, a receipt read before
// its submit_sm_resp, an undelivered segment, expiry at the validity, all in time order.
import {describe, expect, it} from 'vitest';
import {Ledger, type Finished, type LedgerSender} from '../../source/smpp/ledger.js';
import type {Outcome} from '../../source/engine/types.js';
import {noTimes, TimesArena} from '../../source/engine/sender-times.js';

function sender(): LedgerSender {
	return {id: 1, spec: {meanMs: 0, failureRate: 0, distribution: 'constant'}, receiptsPending: 0, version: 0, sent: 0, failed: 0, attempts: 0, segments: 0, throttled: 0, timeSumMs: 0, waitSumMs: 0, ...noTimes(new TimesArena())};
}

const sent = (id: number, ids: string[]): Finished => ({id, phone: '5550000000', isSent: true, isInvalid: false, attempts: 1, pickedAt: 0, producedAt: 0, segments: ids.length, ids});

describe('Ledger', () => {
	it('a message is delivered when every segment is, and its line waits for that', () => {
		const ledger = new Ledger(60_000);
		const told: Outcome[] = [];
		ledger.onFinish = outcome => told.push({...outcome});
		const s = sender();
		ledger.finish(s, sent(1, ['a', 'b']), 10);
		ledger.receipt({id: 'a', state: 'DELIVRD', error: '000'}, 20);
		ledger.fold(25, Infinity);
		expect(told).toEqual([]);
		expect(ledger.awaiting).toBe(1);
		expect(s.receiptsPending).toBe(1);
		ledger.receipt({id: 'b', state: 'DELIVRD', error: '000'}, 30);
		ledger.fold(30, Infinity);
		expect(told).toMatchObject([{id: 1, delivery: 'delivered', reachMs: 30, simMs: 30, segments: 2}]);
		expect(ledger.tally).toMatchObject({sent: 1, delivered: 1, segments: 2, reached: 1});
		expect(s.receiptsPending).toBe(0);
	});

	it('matches a receipt read before its acceptance was folded', () => {
		const ledger = new Ledger(60_000);
		ledger.receipt({id: 'x', state: 'DELIVRD', error: '000'}, 5);
		ledger.finish(sender(), sent(1, ['x']), 6);
		ledger.fold(10, Infinity);
		expect(ledger.tally).toMatchObject({sent: 1, delivered: 1});
		expect(ledger.awaiting).toBe(0);
	});

	it('one undelivered segment makes the message undelivered; none by the validity expires it', () => {
		const ledger = new Ledger(100);
		const told: Outcome[] = [];
		ledger.onFinish = outcome => told.push({...outcome});
		ledger.finish(sender(), sent(1, ['a', 'b']), 0);
		ledger.finish(sender(), sent(2, ['c']), 1);
		ledger.receipt({id: 'b', state: 'UNDELIV', error: '001'}, 5);
		ledger.fold(50, Infinity);
		expect(told.map(o => [o.id, o.delivery])).toEqual([[1, 'expired']]);
		expect(ledger.nextAt()).toBe(101);
		ledger.fold(101, Infinity);
		expect(told.map(o => [o.id, o.delivery, o.simMs])).toEqual([
			[1, 'expired', 5],
			[2, 'expired', 101],
		]);
		expect(ledger.tally).toMatchObject({sent: 2, delivered: 0, undelivered: 2});
		expect(ledger.awaiting).toBe(0);
	});

	it('folds what was told in order, and never earlier than what came before', () => {
		const ledger = new Ledger(1000);
		const s = sender();
		ledger.attempt(s, 5, 10);
		ledger.throttle(s, 8);
		expect(ledger.nextAt()).toBe(10);
		expect(ledger.fold(9, Infinity)).toBe(0);
		expect(ledger.fold(10, 1)).toBe(1);
		expect(ledger.fold(10, Infinity)).toBe(1);
		expect(ledger.tally).toMatchObject({attempts: 1, throttled: 1});
	});
});
