// `sms-dash size`'s flags: the main command's sender vocabulary and rules, its own
// question (--within, --confidence, --runs, --max-senders), one line naming each bad input.
import {describe, expect, test} from 'vitest';
import {senderFlags} from '../../source/config/flags.js';
import {parseCommandLine} from '../../source/config/parse.js';
import {resolveSizeQuery, sizeCommand} from '../../source/size/cli.js';
import type {SizeQuery} from '../../source/size/search.js';
import {mainCommandRefusal, refusalOf} from '../helpers/refusal.js';

const query = (argv: string[]) => resolveSizeQuery(parseCommandLine(sizeCommand, argv, import.meta));

describe('size flags', () => {
	test.each<[string[], Partial<SizeQuery>]>([
		[
			['--within', '10m'],
			{messages: 1000, withinMs: 600_000, retries: 0, confidence: 0.95, runs: 10, maxSenders: 100_000, seed: 1, spec: {meanMs: 100, failureRate: 0.1, distribution: 'gamma'}},
		],
		[['-m', '5000', '--within', '90s', '--retries', '2', '--seed', '9'], {messages: 5000, withinMs: 90_000, retries: 2, seed: 9}],
		[['--within', '1m', '--confidence', '1', '--runs', '3', '--max-senders', '50'], {confidence: 1, runs: 3, maxSenders: 50}],
		[
			['--within', '1m', '--mean', '80ms', '-f', '0.2', '--distribution', 'normal', '--spread', '20ms', '--max-wait', '1s', '--failover', '2s'],
			{spec: {meanMs: 80, failureRate: 0.2, distribution: 'normal', spreadMs: 20, maxWaitMs: 1000, failoverMs: 2000}},
		],
	])('%j -> %j', (argv, expected) => {
		expect(query(argv)).toMatchObject(expected);
	});

	test('without the delivery model\'s keys: no text, gateway, invalid share or receipts, no reach goal', () => {
		const plain = query(['--within', '1m']);
		expect(plain.delivery).toEqual({});
		expect(plain.reachGoal).toBeUndefined();
	});

	test('every sender flag of the main command is a size flag', () => {
		for (const name of Object.keys(senderFlags)) expect(sizeCommand.flags).toHaveProperty(name);
	});

	test.each<[string, string]>([
		['mean', 'soon'],
		['failureRate', '2'],
		['distribution', 'gama'],
		['failover', 'later'],
		['messages', '1.5'],
		['retries', '101'],
		['seed', '-'],
		['mean', '100'],
		['failover', '30'],
	])('--%s %j is refused in the main command\'s words', (name, value) => {
		expect(refusalOf(() => resolveSizeQuery({within: '1m', [name]: value}))).toBe(mainCommandRefusal(name, value));
	});

	test.each<[string[], string]>([
		[['--within', '1m', '--within', '2m'], '--within can only be set once'],
		[['--within', '-1m'], '--within must not be negative, got "-1m"'],
		[['--within', '0'], '--within must be longer than 0'],
		[['--within', '600'], '--within 600: did you mean 600ms or 600s?'],
		[['--within', 'soon'], '--within must be a duration'],
		[['-m', '10'], '--within is required'],
		[['--within', '1m', '--confidence', '0'], '--confidence must be more than 0 and at most 1, got "0"'],
		[['--within', '1m', '--confidence', '2'], '--confidence must be more than 0 and at most 1, got "2"'],
		[['--within', '1m', '--runs', '0'], '--runs must be a whole number from 1 to 1,000, got "0"'],
		[['--within', '1m', '--max-senders', '1000001'], '--max-senders must be a whole number from 1 to 1,000,000, got "1000001"'],
		[['--within', '1m', '--speed', 'max'], '--speed is not an option of size (see sms-dash size --help)'],
		[['--within', '1m', 'now'], 'size takes no argument "now"'],
		[['--within', '1m', '--json=3'], '--json takes no value, got "3"'],
	])('%j: one line naming it', (argv, words) => {
		expect(refusalOf(() => query(argv))).toContain(words);
	});
});

describe('size with the delivery model', () => {
	test.each<[string[], Partial<SizeQuery>]>([
		[['--within', '1m', '--preset', 'short-code', '--price', '0.0079'], {spec: {meanMs: 100, failureRate: 0.1, distribution: 'gamma', window: 10, rate: 100, price: 0.0079}}],
		[['--within', '1m', '--window', '4', '--rate', '20'], {spec: {meanMs: 100, failureRate: 0.1, distribution: 'gamma', window: 4, rate: 20}}],
		[['--within', '1m', '--text', 'Evacuate now', '--gateway-rate', '1000', '--backoff', '500ms', '--invalid', '0.02'], {delivery: {text: 'Evacuate now', gatewayRate: 1000, backoffMs: 500, invalid: 0.02}}],
		[['--within', '1m', '--delivery', 'mean=8s,undelivered=0.01', '--validity', '1h'], {delivery: {delivery: {meanMs: 8000, distribution: 'gamma', undelivered: 0.01}, validityMs: 3_600_000}}],
		[['--within', '1m', '--reach', '95%'], {reachGoal: 0.95}],
		[['--within', '1m', '--reach', '100%'], {reachGoal: 1}],
		[['--within', '1m', '--reach', '99.9 %'], {reachGoal: 0.999}],
	])('%j -> %j', (argv, expected) => {
		expect(query(argv)).toMatchObject(expected);
	});

	test('without the new flags the query has none of their keys', () => {
		const plain = query(['--within', '1m']);
		expect(plain.delivery).toStrictEqual({});
		expect(plain.reachGoal).toBeUndefined();
		expect(plain.spec).toStrictEqual({meanMs: 100, failureRate: 0.1, distribution: 'gamma'});
	});

	test('--text @file reads the file', () => {
		const flags = parseCommandLine(sizeCommand, ['--within', '1m', '--text', '@alert.txt'], import.meta);
		expect(resolveSizeQuery(flags, path => (path === 'alert.txt' ? 'Leave now\n' : '')).delivery.text).toBe('Leave now');
	});

	test.each<[string, string]>([
		['window', '0'],
		['rate', '0'],
		['price', '-1'],
		['preset', 'shortcode'],
		['text', ''],
		['gatewayRate', '0'],
		['backoff', '100'],
		['invalid', '2'],
		['delivery', 'undelivered=0.1'],
		['validity', '0'],
	])('--%s %j is refused in the main command\'s words', (name, value) => {
		expect(refusalOf(() => resolveSizeQuery({within: '1m', [name]: value}))).toBe(mainCommandRefusal(name, value));
	});

	test.each<[string, string]>([
		['95', '--reach must be a percentage above 0% and at most 100%, such as 95%, got "95"'],
		['0.95', '--reach must be a percentage above 0% and at most 100%, such as 95%, got "0.95"'],
		['0%', '--reach must be a percentage above 0% and at most 100%, such as 95%, got "0%"'],
		['101%', '--reach must be a percentage above 0% and at most 100%, such as 95%, got "101%"'],
		['-5%', '--reach must be a percentage above 0% and at most 100%, such as 95%, got "-5%"'],
		['most', '--reach must be a percentage above 0% and at most 100%, such as 95%, got "most"'],
	])('--reach %j: %s', (value, message) => {
		expect(refusalOf(() => resolveSizeQuery({within: '1m', reach: value}))).toBe(message);
	});
});
