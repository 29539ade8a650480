// --smpp URLs: what is read, what is refused (one line naming --smpp), and the password never shown.
import {describe, expect, it} from 'vitest';
import {maskUrl, parseSmppUrl, redact} from '../../source/smpp/url.js';
import {refusalOf} from '../helpers/refusal.js';

describe('parseSmppUrl', () => {
	it('reads system id, password, host, port and TLS', () => {
		expect(parseSmppUrl('smpp://alerts:s3cret@smsc.example.net:2775')).toEqual({
			host: 'smsc.example.net',
			port: 2775,
			systemId: 'alerts',
			password: 's3cret',
			isTls: false,
			display: 'smpp://alerts:***@smsc.example.net:2775',
		});
		expect(parseSmppUrl('smpps://alerts:pw@10.0.0.1')).toMatchObject({isTls: true, port: 3550, display: 'smpps://alerts:***@10.0.0.1:3550'});
		expect(parseSmppUrl('smpp://alerts:p%40ss%2Fw@[::1]:3000')).toMatchObject({host: '::1', port: 3000, password: 'p@ss/w', display: 'smpp://alerts:***@[::1]:3000'});
		expect(parseSmppUrl('smpp://alerts@127.0.0.1:2775')).toMatchObject({password: '', display: 'smpp://alerts@127.0.0.1:2775'});
	});

	it.each([
		['', 'needs an SMSC URL'],
		['127.0.0.1:2775', 'must be a URL'],
		['http://a:b@host:1', 'must start with smpp:// or smpps://'],
		['smpp://a:b@host:70000', 'not a valid URL'],
		['smpp://a:b@host:0', 'port from 1 to 65535'],
		['smpp://:b@host:2775', 'needs a system id'],
		['smpp://a:b@host:2775/x', 'takes no path'],
		['smpp://a:b@host:2775?x=1', 'takes no path'],
		['smpp://a:b%zz@host:2775', 'malformed %-escape'],
		['smpp://averyveryverylongsystemid:b@host:2775', 'longer than 15'],
	])('%j is refused (%s), naming --smpp, without the password', (url, words) => {
		const message = refusalOf(() => parseSmppUrl(url));
		expect(message).toMatch(/^--smpp /);
		expect(message).toContain(words);
		if (url.includes(':b')) expect(message).not.toMatch(/:b(%zz)?@/);
	});
});

describe('masking', () => {
	it('hides everything between the system id and the last @', () => {
		expect(maskUrl('smpp://sys:pass@host:1')).toBe('smpp://sys:***@host:1');
		expect(maskUrl('smpp://sys:p@ss/w@host:1')).toBe('smpp://sys:***@host:1');
		expect(maskUrl('smpp://host:2775')).toBe('smpp://host:2775');
	});

	it('redact() takes a password out of any text, escaped or not', () => {
		expect(redact('bind failed for s3cr et and s3cr%20et', {password: 's3cr et'})).toBe('bind failed for *** and ***');
	});
});
