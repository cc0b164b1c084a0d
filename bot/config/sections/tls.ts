import { z } from 'zod';

/** URL characters (RFC 3986) only: nothing Caddy would read as a quote, block or placeholder. */
const ASK_URL = /^https?:\/\/[A-Za-z0-9._~:/?#[\]@!$&'()*+,;=%-]+$/;

/**
 * `tls:` — where TLS ends and how certificates are obtained (README, "The entry"). `ask` is the
 * URL Caddy's on-demand TLS asks before it requests a certificate, so it belongs to
 * `mode: on_demand` only: every other mode obtains no certificate on demand (`load_balancer` and
 * `off` none at all), and an `ask` there would be silently ignored.
 */
export const tlsSchema = z
  .strictObject({
    mode: z.enum(['auto', 'on_demand', 'internal', 'off', 'load_balancer']).default('on_demand'),
    ask: z
      .string()
      .refine(
        (v) => ASK_URL.test(v) && URL.canParse(v),
        "must be an http(s) URL without spaces, quotes or braces, such as http://127.0.0.1:8080/tls/ask (it is written into the Caddyfile's on_demand_tls block)",
      )
      .optional(),
  })
  .superRefine((tls, ctx) => {
    if (tls.ask === undefined || tls.mode === 'on_demand') return;
    ctx.addIssue({
      code: 'custom',
      path: ['ask'],
      message: `is only read with tls.mode: on_demand (Caddy asks it before an on-demand certificate); with mode: ${tls.mode} ${WHY_NO_ASK[tls.mode]}: remove ask, or set mode: on_demand`,
    });
  })
  .default({ mode: 'on_demand' });

const WHY_NO_ASK: Record<'auto' | 'internal' | 'off' | 'load_balancer', string> = {
  load_balancer: 'TLS ends at the load balancer and Caddy obtains no certificate',
  off: 'Caddy serves plain HTTP and obtains no certificate',
  internal: 'Caddy signs every certificate with its internal CA and asks no one',
  auto: "Caddy obtains each configured host's certificate at start and asks no one",
};
