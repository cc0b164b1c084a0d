import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { onExit } from 'signal-exit';

/** Folders `makeTempDir` made that `removeTempDir` has not removed yet. */
const live = new Set<string>();
let watching = false;

/**
 * `mkdtemp(prefix)` for a folder that must not outlive this process: besides the caller's own
 * `removeTempDir` (in a `finally`), it is removed at exit (`process.exit`, an uncaught error)
 * and on a SIGINT or SIGTERM nothing else listens for, which is then raised again so the
 * process still ends by it (a shell sees 130 or 143). A command that catches the signal itself
 * (a deploy stopping at a safe point) unwinds through the caller's `finally`.
 */
export async function makeTempDir(prefix: string): Promise<string> {
  watch();
  const dir = await mkdtemp(prefix);
  live.add(dir);
  return dir;
}

/** Removes a folder of `makeTempDir` and all it holds; a missing one is no error. */
export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  live.delete(dir);
}

function removeAll(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

// signal-exit, not listeners of our own: it re-raises a SIGINT or SIGTERM only when no one
// else listens, counting the listeners of every signal-exit user (execa's among them). Two
// libraries each waiting for the other to re-raise left a Ctrl-C unanswered.
function watch(): void {
  if (watching) return;
  watching = true;
  onExit(removeAll);
}
