#!/usr/bin/env node
// The entry: the lifecycle listens first, then the rest of the program is loaded. Node takes
// ~100 ms to read the bundle; a signal in that time still ends the run with its summary and 130.
import {createLifecycle} from './lifecycle.js';

const lifecycle = createLifecycle(process);
const {runCommandLine} = await import('./command.js');
process.exitCode = await runCommandLine(lifecycle);
