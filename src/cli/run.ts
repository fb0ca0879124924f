import type { Command } from 'commander';
import { KcError } from '../engine/errors';
import { CancelledError } from '../engine/cancel';
import { terminalText } from '../engine/report/escape';

/**
 * Runs the program and turns failures into one line on stderr and a non-zero exit code:
 * a user sees a message, never a stack trace (set KC_DEBUG=1 for the stack).
 */
export async function runCli(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = error instanceof CancelledError ? 130 : 1;
    const message =
      error instanceof KcError || error instanceof CancelledError
        ? error.message
        : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    // Messages quote layer names, paths and file content: one line of text, never terminal control sequences.
    process.stderr.write(`kc: ${terminalText(message)}\n`);
    if (process.env.KC_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  }
}
