#!/usr/bin/env node
import { main, processIO } from './run.js';

const code = await main(process.argv.slice(2), processIO);
process.exitCode = code;
