#!/usr/bin/env node
// The entry: the lifecycle listens first, then the rest of the program is loaded. Node takes
// ~100 ms to read the bundle; a signal in that time still ends the run with its summary and 130.
import {createLifecycle, processEdges} from './lifecycle.js';

const lifecycle = createLifecycle(processEdges());
const {runCommandLine} = await import('./command.js');
const code = await runCommandLine(lifecycle);
process.exitCode = code;
lifecycle.leave(code);
