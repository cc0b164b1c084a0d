/**
 * The ids of sign-in tickets already redeemed, each kept until its ticket expires, so a ticket
 * works once: a ticket URL replayed from a browser's history, a log or a Referer gives no
 * session. Memory is bounded: at `max` unexpired ids, no more tickets are taken (the visitor is
 * sent to sign in again) rather than an id forgotten early, which would let its ticket work twice.
 * Per process: replicas behind one Caddy each keep their own.
 */
export class UsedTickets {
  /** id → the ticket's expiry (epoch ms); in insertion order, which is expiry order for one TTL. */
  private readonly used = new Map<string, number>();

  constructor(private readonly max = 10_000) {}

  get size(): number {
    return this.used.size;
  }

  /** True the first time `id` is given; false for an id already used, or when `max` are held. */
  use(id: string, expiresAt: number, now: number): boolean {
    this.forgetExpired(now, this.used.size >= this.max);
    if (this.used.has(id) || this.used.size >= this.max) return false;
    this.used.set(id, expiresAt);
    return true;
  }

  /** Drops expired ids from the oldest on; `all` looks past an unexpired one (a clock that moved back). */
  private forgetExpired(now: number, all: boolean): void {
    for (const [id, expiresAt] of this.used) {
      if (expiresAt <= now) this.used.delete(id);
      else if (!all) return;
    }
  }
}
