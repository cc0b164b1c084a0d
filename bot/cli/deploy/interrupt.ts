import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof SIGNALS)[number];

/** The first SIGINT or SIGTERM a command received while `catchInterrupts` listened. */
export interface Interrupts {
  readonly signal: StopSignal | null;
  /** Stops listening; the process's default handling (exit) applies again. */
  dispose(): void;
}

/**
 * Catches Ctrl-C (SIGINT) and a CI runner's cancel (SIGTERM) while a command runs steps: the
 * first one calls `onFirst` (which stops at a safe point and records it) and says so on stderr;
 * a second one exits at once with 130, leaving the run recorded in flight for the next command
 * to take over (see `run-owner.ts`). Terraform runs detached (see `spawnTerraform`), so a
 * terminal's Ctrl-C reaches it only through prenv's cancel, as one SIGINT.
 */
export function catchInterrupts(
  ctx: Pick<CliContext, 'stderr'>,
  onFirst: (signal: StopSignal) => void,
  exit: (code: number) => void = (code) => process.exit(code),
): Interrupts {
  let first: StopSignal | null = null;
  const handler = (signal: StopSignal) => {
    if (first !== null) {
      ctx.stderr(
        `prenv: second ${signal}: exiting at once. The run stays recorded as in flight; the next ` +
          'prenv command for it takes it over once this process is gone. A Terraform run in ' +
          'flight goes on by itself and releases its state lock when it ends.\n',
      );
      exit(ExitCode.interrupted);
      return;
    }
    first = signal;
    ctx.stderr(
      `prenv: ${signal} received: stopping at the next safe point (Terraform gets SIGINT, saves ` +
        'its state and releases its lock). Press Ctrl-C again to exit at once.\n',
    );
    onFirst(signal);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    get signal() {
      return first;
    },
    dispose: () => {
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}
