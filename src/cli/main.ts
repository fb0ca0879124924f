#!/usr/bin/env node
/** `kc`: the command line. Each subcommand lives in src/cli/commands/ and registers itself on the program. */
import { Command } from 'commander';
import { TOOL_NAME, TOOL_VERSION } from '../engine/version';
import { runCli } from './run';
import { registerDisentangle } from './commands/disentangle';
import { registerLayers } from './commands/layers';
import { registerCompare } from './commands/compare';
import { registerReport } from './commands/report';
import { registerFamily } from './commands/family';
import { registerDrift } from './commands/drift';
import { registerWorker } from './commands/worker';
import { registerRefine } from './commands/refine';
import { registerStatus } from './commands/status';

const program = new Command('kc')
  .description(`${TOOL_NAME}: do two neural networks know the same things? (Liang et al., ICLR 2020)`)
  .version(TOOL_VERSION)
  // Commander's own usage errors (missing argument, bad choice) in the one-line `kc: …` form of every other error;
  // set before the subcommands are added, which copy it.
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'kc: ').replace(/\n(?=.)/g, ' ')) });

registerDisentangle(program);
registerLayers(program);
registerCompare(program);
registerReport(program);
registerFamily(program);
registerDrift(program);
registerRefine(program);
registerWorker(program);
registerStatus(program);

void runCli(program, process.argv);
