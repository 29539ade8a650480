// The SMSC cannot be used: a bad --smpp URL, a flag SMPP mode refuses, a refused bind or an
// unreachable SMSC at start. A ConfigError, so the command line prints one line and exits 2.
import {ConfigError} from '../config/error.js';

export class SmppError extends ConfigError {
	override name = 'SmppError';
}
