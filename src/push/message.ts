// The push message (draft §4.1): the topic, and a content-update carrying the new sync token
// and/or a property-update, as one XML document.
import { el } from '../dav/xml/element.ts';
import { dav } from '../dav/xml/names.ts';
import { toXml } from '../dav/xml/serialize.ts';
import { push } from './names.ts';

export interface PushNews {
  topic: string;
  contentUpdate: boolean;
  /** The collection's sync token after the change (none when the collection is gone). */
  syncToken: string | null;
  propertyUpdate: boolean;
}

export function pushMessageXml(news: PushNews): string {
  return toXml(
    el(push('push-message'), [
      el(push('topic'), news.topic),
      news.contentUpdate && el(push('content-update'), news.syncToken === null ? null : el(dav('sync-token'), news.syncToken)),
      news.propertyUpdate && el(push('property-update')),
    ]),
  );
}
