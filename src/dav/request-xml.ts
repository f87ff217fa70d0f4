// The XML body of a request, read and parsed once: a POST is offered to several handlers in turn
// (push registration, then sharing), and each would otherwise read and parse the body again.
import { readBodyText } from '../http/body.ts';
import type { DavContext } from './context.ts';
import type { XmlElement } from './xml/element.ts';
import { parseXml } from './xml/parse.ts';

const BODIES = new WeakMap<Request, Promise<XmlElement | null>>();

/**
 * The request's root element, null for an empty body. A body too large or not well-formed
 * rejects with the 4xx every caller that asks then answers with.
 */
export function requestXml(ctx: DavContext): Promise<XmlElement | null> {
  let body = BODIES.get(ctx.request);
  if (!body) {
    body = readBodyText(ctx.request, ctx.deps.config.xml_max_size, 'XML request body').then((text) => (text.trim() === '' ? null : parseXml(text)));
    BODIES.set(ctx.request, body);
  }
  return body;
}
