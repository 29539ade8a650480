// The files in examples/ that the README's commands use: each reads as the README says it does.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {type ConfigIo, resolveSettings} from '../source/config/resolve.js';
import {segmentInfo} from '../source/engine/segments.js';
import {root} from './helpers/run-cli.js';

const io: ConfigIo = {readFile: path => readFileSync(join(root, path), 'utf8'), randomSeed: () => 1};

describe('examples/', () => {
	test('alert.txt: 240 characters with one emoji, so UCS-2 and 4 segments (the worked example)', () => {
		const settings = resolveSettings({text: '@examples/alert.txt'}, io);
		expect([...settings.text!]).toHaveLength(240);
		expect(segmentInfo(settings.text)).toMatchObject({encoding: 'ucs2', segments: 4});
	});

	test('fleet.yaml: the config file section\'s 10,000 messages over 8 senders of 4 kinds', () => {
		const settings = resolveSettings({config: 'examples/fleet.yaml'}, io);
		expect(settings.messages).toBe(10_000);
		expect(settings.intervalMs).toBe(2000);
		expect(settings.senders).toHaveLength(8);
		expect(settings.senders[1]).toMatchObject({meanMs: 100, failureRate: 0.45});
	});

	test('outage.yaml: sender 2 fails every attempt from 30 s to 90 s', () => {
		const settings = resolveSettings({script: 'examples/outage.yaml', senders: '3'}, io);
		expect(settings.script).toEqual([
			{simMs: 30_000, tune: {sender: 2, failureRate: 1}},
			{simMs: 90_000, tune: {sender: 2, failureRate: 0.1}},
		]);
	});
});
