import { redact } from '../../core/redact.js';

export interface StepReport {
  name: string;
  seconds: number;
  outcome: 'ok' | 'failed';
  notes: string[];
}

interface OpenStep {
  name: string;
  startedAt: number;
  notes: string[];
}

export interface ProgressOutput {
  write: (text: string) => void;
  tty: boolean;
  /** Epoch ms. */
  now: () => number;
  /** Values never written (tokens): replaced by `[REDACTED]` in every line. */
  secrets?: string[];
}

/**
 * The progress of every long command (deploy, destroy, plan, reconcile) on stderr, so stdout
 * stays machine-readable. On a terminal one line per finished step with its time
 * (`✔ terraform apply (12.3s)`, as README.md shows); otherwise a plain `step …` line as each
 * step starts. Several runs may report at once (the next queued PR starting), so steps are
 * kept per lane.
 */
export class Progress {
  readonly steps: StepReport[] = [];
  private readonly open = new Map<string, OpenStep>();
  private readonly out: ProgressOutput;

  constructor(out: ProgressOutput) {
    const secrets = out.secrets ?? [];
    this.out =
      secrets.length === 0 ? out : { ...out, write: (text) => out.write(redact(text, secrets)) };
  }

  start(name: string, lane = ''): void {
    this.end('ok', lane);
    this.open.set(lane, { name, startedAt: this.out.now(), notes: [] });
    if (!this.out.tty) this.out.write(`step ${name}\n`);
  }

  note(text: string, lane = ''): void {
    const step = this.open.get(lane);
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    if (step) step.notes.push(...lines);
    if (!this.out.tty || !step) for (const line of lines) this.out.write(`  ${line}\n`);
  }

  /** A warning, written at once on its own line whatever the output. */
  warn(text: string): void {
    this.out.write(`warning: ${text}\n`);
  }

  /** Closes the lane's open step, if any. */
  end(outcome: 'ok' | 'failed', lane = ''): void {
    const step = this.open.get(lane);
    if (!step) return;
    this.open.delete(lane);
    const seconds = Math.round((this.out.now() - step.startedAt) / 100) / 10;
    this.steps.push({ name: step.name, seconds, outcome, notes: step.notes });
    if (!this.out.tty) return;
    this.out.write(`${outcome === 'ok' ? '✔' : '✖'} ${step.name} (${seconds.toFixed(1)}s)\n`);
    for (const line of step.notes) this.out.write(`  ${line}\n`);
  }

  /** Closes every open step (at the end of a command). */
  endAll(outcome: 'ok' | 'failed'): void {
    for (const lane of [...this.open.keys()]) this.end(outcome, lane);
  }
}
