import { afterEach, describe, expect, it, vi } from 'vitest';
import { IntakeLoad } from '../../bot/runtime/intake-load.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('IntakeLoad: webhook requests under way', () => {
  it('is busy from the first request until shortly after the last answer', () => {
    let now = 1_000;
    const load = new IntakeLoad(5, () => now);
    expect(load.busy).toBe(false);
    const first = load.begin();
    const second = load.begin();
    expect(load.busy).toBe(true);
    first();
    first(); // ending twice counts once
    now += 10;
    expect(load.busy).toBe(true);
    second();
    expect(load.busy).toBe(true); // a keep-alive client's next request is on its way
    now += 1;
    expect(load.busy).toBe(true);
    now += 2;
    expect(load.busy).toBe(false);
  });

  it('yields at once when quiet and after the pause while requests are under way', async () => {
    vi.useFakeTimers();
    const now = 0;
    const load = new IntakeLoad(5, () => now);
    let quiet = false;
    void load.yielded().then(() => (quiet = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(quiet).toBe(true);

    const answered = load.begin();
    let busy = false;
    void load.yielded().then(() => (busy = true));
    await vi.advanceTimersByTimeAsync(4);
    expect(busy).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(busy).toBe(true);
    answered();
  });
});
