// The certify and verify commands: `certify --model M [--out CERT] [--json]` and
// `verify --model M --certificate CERT`. Exit codes: 0 certified / accepted, 1 refuted, unknown or rejected,
// 2 bad input (a ParityError, printed by main's top-level catch).
// Options and help only; the runs are in certify-run.ts, loaded when a command runs.

import { type Command } from 'commander';

/**
 * Adds the two commands to `program`. `setExit` receives each command's exit code (main.ts passes the setter
 * it reads after parsing; by default process.exitCode).
 */
export function registerCertifyCommands(program: Command, setExit: (code: number) => void = (c) => void (process.exitCode = c)): void {
  program
    .command('certify')
    .description('prove the model right on every string (certified), find a string it gets wrong (refuted), or say why neither (unknown)')
    .requiredOption('--model <file>', 'model file (parity-lstm/1)')
    .option('--out <file>', 'write the certificate here when certified')
    .option('--json', 'print the result as JSON')
    .action(async (o: { model: string; out?: string; json?: boolean }) => setExit(await (await import('./certify-run.js')).certifyCommand(o)));

  program
    .command('verify')
    .description('check a certificate against a model, independently of certify')
    .requiredOption('--model <file>', 'model file (parity-lstm/1)')
    .requiredOption('--certificate <file>', 'certificate file (parity-lstm-certificate/1)')
    .action(async (o: { model: string; certificate: string }) => setExit(await (await import('./certify-run.js')).verifyCommand(o)));
}
