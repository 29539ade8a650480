// Every command's --help as printed: within 80 columns, and naming every flag it takes.
import {describe, expect, test} from 'vitest';
import {workerCommand} from '../../source/broker/cli.js';
import {flagLabel, mainCommand, parseCommandLine, TextRequest, type Command} from '../../source/config/flags.js';
import {sizeCommand} from '../../source/size/cli.js';
import {smscCommand} from '../../source/smpp/smsc-cli.js';
import type {AnyFlags} from 'meow';

function printedHelp(command: Command<AnyFlags>): string {
	try {
		parseCommandLine(command, ['--help'], import.meta);
	} catch (error) {
		if (error instanceof TextRequest) return error.text;
		throw error;
	}

	throw new Error('--help printed nothing');
}

describe.each<[string, Command<AnyFlags>]>([
	['sms-dash', mainCommand],
	['sms-dash size', sizeCommand],
	['sms-dash worker', workerCommand],
	['sms-dash smsc', smscCommand],
])('%s --help', (_name, command) => {
	const help = printedHelp(command);

	test('every line fits 80 columns', () => {
		const wide = help.split('\n').filter(line => [...line].length > 80);
		expect(wide).toStrictEqual([]);
	});

	test('names every flag', () => {
		for (const name of Object.keys(command.flags)) expect(help).toContain(flagLabel(name));
	});
});
