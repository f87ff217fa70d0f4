// The address of the client a request comes from. Only the adapter knows the connection, so it
// passes the peer address in the app's env (the second argument of app.fetch); a peer that is a
// configured reverse proxy (trusted_proxies) is looked through, to the address it names last in
// X-Forwarded-For. Nothing else a client sends is believed: anyone can write that header.

/** What an adapter tells the app about the connection a request came on. */
export interface ConnectionInfo {
  clientAddress?: string | undefined;
}

/** Used when the adapter said nothing (requests made in-process, as in tests). */
export const UNKNOWN_CLIENT = 'unknown';

export function clientAddressOf(env: unknown, request: Request, trustedProxies: readonly string[]): string {
  const peer = typeof env === 'object' && env !== null && typeof (env as ConnectionInfo).clientAddress === 'string' ? (env as ConnectionInfo).clientAddress! : UNKNOWN_CLIENT;
  if (trustedProxies.length === 0 || !trustedProxies.includes(unmapped(peer))) return unmapped(peer);
  const forwarded = (request.headers.get('x-forwarded-for') ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
  // Each proxy appends the address it received the request from; the last one that is not a
  // proxy of ours is the client. Anything before it may have been written by the client itself.
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const address = unmapped(forwarded[i]!);
    if (!trustedProxies.includes(address)) return address;
  }
  return unmapped(peer);
}

/** IPv4 peers of a dual-stack socket appear as ::ffff:a.b.c.d. */
function unmapped(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}
