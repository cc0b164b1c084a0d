/**
 * Signs in to a running bot's dashboard the way a browser does, without one: `/auth/login`, the
 * OAuth fake's authorize redirect, then the callback with the state cookie. Returns the
 * `Cookie` header value carrying the session.
 */
export async function signInByFetch(base: string): Promise<string> {
  const cookieOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; ');
  const login = await fetch(`${base}/auth/login`, { redirect: 'manual' });
  const stateCookie = cookieOf(login);
  const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  const callback = await fetch(authorize.headers.get('location')!, {
    redirect: 'manual',
    headers: { cookie: stateCookie },
  });
  const session = cookieOf(callback)
    .split('; ')
    .find((c) => c.startsWith('prenv_session='));
  if (callback.status !== 302 || !session || session === 'prenv_session=')
    throw new Error(`the sign-in did not give a session (${callback.status})`);
  return session;
}

/**
 * Reads a Server-Sent Events stream until its `end` event (or `timeoutMs`): each event's name and
 * parsed data, in order.
 */
export async function readEvents(
  url: string,
  headers: Record<string, string>,
  timeoutMs = 60_000,
): Promise<Array<{ event: string; data: unknown }>> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  const events: Array<{ event: string; data: unknown }> = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const field = (name: string) =>
        block
          .split('\n')
          .find((l) => l.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      const data = field('data');
      if (data === undefined) continue; // a keep-alive comment
      events.push({ event: field('event') ?? 'message', data: JSON.parse(data) });
      if (field('event') === 'end') return events;
    }
  }
  return events;
}
