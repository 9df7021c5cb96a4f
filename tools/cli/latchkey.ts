/**
 * `latchkey`, the operator command line (docs/CLI.md). This file only wires
 * the process to the program (program.ts): argv, stdout/stderr, the
 * environment, Ctrl-C and the exit code. One module per command group under
 * commands/, shared pieces under lib/.
 *
 *   npm run -s latchkey -- isv list
 *   npm run -s latchkey -- isv create acme --name "Acme" && npm run -s latchkey -- isv approve acme
 *   npm run -s latchkey -- keys create acme            # the key is shown once
 *   npm run -s latchkey -- token issue --isv-key-file key.txt --resource /subscriptions/… --flag Face.Identification
 *   npm run -s latchkey -- token verify - --audience /subscriptions/… < token.txt
 *   npm run -s latchkey -- alerts tail
 *   npm run -s latchkey -- audit verify                # or --database URL / --rows FILE --checkpoints FILE, with --jwks and --issuer
 *   npm run -s latchkey -- status --json
 *
 * Services are found by --<service>-url, LATCHKEY_<SERVICE>_URL, else the
 * `services` of <data dir>/demo-credentials.json (`npm start` writes it).
 * Admin calls authenticate with --token / LATCHKEY_OPERATOR_TOKEN (an
 * operator access token, `npm run operator-token`), else the service's
 * break-glass key file <data dir>/secrets/<service>-operator-key.
 *
 * Exit codes: 0 done (verified); 1 a check failed (audit tampering, a token
 * that does not verify, a service not ready); 2 the command could not run
 * (bad arguments, unreadable input, unreachable service, database or JWKS);
 * 3 refused by the server (401/403); 4 not found (404); 5 rejected by the
 * server (other 4xx); 6 server error (5xx).
 */
import { runCli } from './program';

const interrupt = new AbortController();
// Ctrl-C ends a long-running command (alerts tail) cleanly; a second one kills the process as usual.
process.once('SIGINT', () => interrupt.abort());
// `latchkey status | head`: a reader that went away is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

void runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  progressStream: process.stderr.isTTY ? process.stderr : undefined,
  env: process.env,
  cwd: process.cwd(),
  fetch,
  interrupt: interrupt.signal,
}).then((code) => {
  process.exitCode = code;
});
