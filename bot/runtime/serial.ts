/** Runs async tasks one after another, in the order they were given. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  /** Tasks given and not yet finished. */
  get size(): number {
    return this.queued;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.queued++;
    const next = this.tail.then(task, task).finally(() => this.queued--);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
