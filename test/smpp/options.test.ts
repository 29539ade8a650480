// The command line's SMPP words: --smpp, --from, --submit-timeout, and the flags SMPP mode refuses.
import {describe, expect, it} from 'vitest';
import {smppCommandOf} from '../../source/smpp/options.js';
import {refusalOf} from '../helpers/refusal.js';

const url = 'smpp://alerts:pw@127.0.0.1:2775';

describe('smppCommandOf', () => {
	it('reads the defaults and the given values', () => {
		expect(smppCommandOf({})).toBeUndefined();
		expect(smppCommandOf({smpp: url})).toMatchObject({from: 'ALERT', submitTimeoutMs: 10_000, target: {systemId: 'alerts', port: 2775}});
		expect(smppCommandOf({smpp: url, from: '+15550001111', submitTimeout: '2.5s'})).toMatchObject({from: '+15550001111', submitTimeoutMs: 2500});
		expect(smppCommandOf({smpp: url, from: 'CITY ALERT'})).toMatchObject({from: 'CITY ALERT'});
	});

	it.each(['mean', 'distribution', 'spread', 'failureRate', 'invalid', 'delivery', 'speed', 'broker', 'replay', 'failover', 'maxWait', 'gatewayRate'])('--%s is refused with --smpp', name => {
		expect(refusalOf(() => smppCommandOf({smpp: url, [name]: 'x'}))).toMatch(/ is refused with --smpp: /);
	});

	it.each([
		[{from: 'X'}, '--from is for SMPP senders: it needs --smpp'],
		[{submitTimeout: '1s'}, '--submit-timeout is for SMPP senders'],
		[{smpp: url, from: 'A VERY LONG SENDER'}, '--from must be a sender id of up to 11'],
		[{smpp: url, from: '123456789012345678901'}, '--from must be'],
		[{smpp: url, submitTimeout: '0s'}, '--submit-timeout must be longer than 0'],
		[{smpp: url, submitTimeout: '20'}, 'did you mean 20ms or 20s?'],
	])('%j: %s', (flags, words) => {
		expect(refusalOf(() => smppCommandOf(flags))).toContain(words);
	});
});
