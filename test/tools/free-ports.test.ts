import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePorts, startOnFreePorts } from '../support/local-process.js';

const ephemeralStart = Number(
  readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
);

describe('free ports for processes under test', () => {
  it('are different, bindable, and below the range outgoing connections draw from', async () => {
    const ports = await freePorts(6);
    expect(new Set(ports).size).toBe(6);
    for (const port of ports) expect(port).toBeLessThan(ephemeralStart);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it('are drawn again when a start finds one taken, and only then', async () => {
    const seen: number[][] = [];
    const result = await startOnFreePorts(2, async (ports) => {
      seen.push(ports);
      if (seen.length < 3) throw new Error('listen tcp 127.0.0.1:1: bind: address already in use');
      return 'started';
    });
    expect(result).toBe('started');
    expect(seen).toHaveLength(3);
    expect(seen[0]).not.toEqual(seen[1]);

    let calls = 0;
    await expect(
      startOnFreePorts(1, async () => {
        calls += 1;
        throw new Error('config invalid');
      }),
    ).rejects.toThrow('config invalid');
    expect(calls).toBe(1);

    calls = 0;
    await expect(
      startOnFreePorts(
        1,
        async () => {
          calls += 1;
          throw new Error('EADDRINUSE');
        },
        3,
      ),
    ).rejects.toThrow('EADDRINUSE');
    expect(calls).toBe(3);
  });
});
