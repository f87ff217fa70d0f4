// Registration URLs (draft §3.3): DELETE removes the subscription. Only the user who registered
// it (or an administrator) may; anyone else is told there is nothing there, as for an unknown or
// expired registration.
import { Hono } from 'hono';
import type { AppDeps } from '../dav/context.ts';
import { notFound } from '../dav/errors.ts';
import type { Authenticator } from '../http/auth.ts';
import { clientAddressOf } from '../http/client-address.ts';

export const REGISTRATIONS_PATH = '/push/registrations/';

export function registrationPath(id: string): string {
  return `${REGISTRATIONS_PATH}${id}`;
}

/** Mounted at /push. */
export function createPushRegistrationApp(deps: AppDeps, authenticator: Authenticator): Hono {
  const app = new Hono();
  app.delete('/registrations/:id', async (c) => {
    const principal = await authenticator.authenticate(c.req.raw, clientAddressOf(c.env, c.req.raw, deps.config.trusted_proxies));
    if (!principal) throw authenticator.challenge();
    const subscription = await deps.store.push.get(c.req.param('id'));
    const now = deps.now();
    if (!subscription || subscription.expiresAt <= now || (subscription.owner !== principal.name && !principal.isAdmin)) {
      throw notFound('No push registration at this URL (unknown, expired or not yours)');
    }
    await deps.store.push.remove(subscription.id);
    return new Response(null, { status: 204 });
  });
  app.options('/registrations/:id', () => new Response(null, { status: 200, headers: { Allow: 'OPTIONS, DELETE', 'Content-Length': '0' } }));
  app.all('/registrations/:id', () => new Response('A push registration URL answers DELETE only\n', { status: 405, headers: { Allow: 'OPTIONS, DELETE', 'Content-Type': 'text/plain; charset=utf-8' } }));
  app.all('*', () => new Response('Not found\n', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } }));
  return app;
}
