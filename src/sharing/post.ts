// The sharing area's POST handling, for DavServices.post: sharing requests to a calendar,
// invitation replies to a notification or to the calendar home (Cyrus `meth_post` routes
// XML bodies the same way). Anything else is left to other handlers.
import type { DavContext } from '../dav/context.ts';
import { mediaType } from '../http/body.ts';
import { replyToHome, replyToNotification } from './reply.ts';
import { handleShare } from './share.ts';

/** application/davsharing+xml (the draft), text/xml (CalendarServer), application/xml (what some clients send). */
const SHARING_TYPES = new Set(['application/davsharing+xml', 'text/xml', 'application/xml']);

export async function handleSharingPost(ctx: DavContext): Promise<Response | null> {
  if (!SHARING_TYPES.has(mediaType(ctx.request.headers.get('content-type')) ?? '')) return null;
  const resource = ctx.resource;
  if (resource.kind === 'collection' && resource.collection.kind === 'calendar') return handleShare(ctx, resource);
  if (resource.kind === 'collection' && resource.collection.kind === 'calendar-home') return replyToHome(ctx, resource);
  if (resource.kind === 'resource' && resource.collection.kind === 'notifications') return replyToNotification(ctx, resource);
  return null;
}
