/**
 * Everything a command touches outside itself, passed in rather than taken
 * from `process`, so that the unit specs run commands against a fake
 * server and read what they printed.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Where progress bars go: stderr when it is a terminal, else undefined (no bars in pipes, logs or CI). */
  readonly progressStream: NodeJS.WritableStream | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly fetch: typeof fetch;
  /** Aborted on Ctrl-C: long-running commands (alerts tail) end cleanly when it fires. */
  readonly interrupt: AbortSignal;
}
