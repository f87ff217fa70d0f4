// 207 Multi-Status bodies (RFC 4918 §13) as values, rendered once.
import { el, type XmlElement } from './xml/element.ts';
import { dav } from './xml/names.ts';
import { toXml, XmlStreamWriter } from './xml/serialize.ts';
import { encodePath } from './path.ts';
import { timeSlicer } from './time-slice.ts';
import { errorText, type Logger } from './context.ts';
import { encodeUtf8 } from '../bytes/utf8.ts';

export interface Propstat {
  status: number;
  props: XmlElement[];
  /** <D:error> content explaining the status (RFC 4918 §14.22), e.g. cannot-modify-protected-property. */
  error?: XmlElement | XmlElement[];
}

export type MultistatusResponse =
  | { path: string; propstats: Propstat[]; extra?: XmlElement[] }
  | { path: string; status: number; error?: XmlElement | XmlElement[]; extra?: XmlElement[] };

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  412: 'Precondition Failed', 423: 'Locked', 424: 'Failed Dependency', 500: 'Internal Server Error', 507: 'Insufficient Storage',
};

const STATUS_LINES = new Map<number, string>();

export function statusLine(status: number): string {
  let line = STATUS_LINES.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${REASONS[status] ?? ''}`.trimEnd();
    STATUS_LINES.set(status, line);
  }
  return line;
}

const RESPONSE = dav('response');
const HREF = dav('href');
const PROPSTAT = dav('propstat');
const PROP = dav('prop');
const STATUS = dav('status');
const ERROR = dav('error');

export function responseElement(response: MultistatusResponse): XmlElement {
  const children: XmlElement[] = [el(HREF, encodePath(response.path))];
  if ('propstats' in response) {
    for (const propstat of response.propstats) {
      children.push(el(PROPSTAT, [el(PROP, propstat.props), el(STATUS, statusLine(propstat.status)), propstat.error ? el(ERROR, propstat.error) : null]));
    }
  } else {
    children.push(el(STATUS, statusLine(response.status)));
    if (response.error) children.push(el(ERROR, response.error));
  }
  if (response.extra) children.push(...response.extra);
  return el(RESPONSE, children);
}

/**
 * The markup of one response of a streamed multistatus, the same as `responseElement` would give:
 * its frame is written directly and only the properties go through the element writer, because a
 * listing writes this frame for every member and building it as a tree first was most of the cost.
 */
function writeResponse(writer: XmlStreamWriter, response: MultistatusResponse): string {
  let markup = writer.open(RESPONSE) + writer.text(HREF, encodePath(response.path));
  if ('propstats' in response) {
    for (const propstat of response.propstats) {
      markup += writer.open(PROPSTAT) + writer.open(PROP);
      for (const prop of propstat.props) markup += writer.child(prop);
      markup += writer.close(PROP) + writer.recurringText(STATUS, statusLine(propstat.status));
      if (propstat.error) markup += writer.child(el(ERROR, propstat.error));
      markup += writer.close(PROPSTAT);
    }
  } else {
    markup += writer.recurringText(STATUS, statusLine(response.status));
    if (response.error) markup += writer.child(el(ERROR, response.error));
  }
  if (response.extra) for (const element of response.extra) markup += writer.child(element);
  return markup + writer.close(RESPONSE);
}

/**
 * How much markup a streamed multistatus gathers before handing it on: each chunk costs an
 * enqueue, an encoding and a socket write, so a 10,000-member listing goes out in about fifty.
 */
const CHUNK_CHARS = 64 * 1024;

export function multistatusXml(responses: readonly MultistatusResponse[], extra: readonly XmlElement[] = []): string {
  return toXml(el(dav('multistatus'), [...responses.map(responseElement), ...extra]));
}

export function multistatusResponse(responses: readonly MultistatusResponse[], extra: readonly XmlElement[] = [], headers: Record<string, string> = {}): Response {
  return new Response(multistatusXml(responses, extra), {
    status: 207,
    headers: { 'Content-Type': 'application/xml; charset=utf-8', ...headers },
  });
}

/**
 * What a streamed multistatus is made of: responses, or pages of them. A listing yields a page of
 * members at a time, since every value an async generator yields costs promises of its own.
 */
export type MultistatusItem = MultistatusResponse | readonly MultistatusResponse[];

const isPage = (item: MultistatusItem): item is readonly MultistatusResponse[] => Array.isArray(item);

/** Where a streamed multistatus reports a failure that ends it early: the request-URI and the log. */
export interface StreamFailure {
  path: string;
  logger: Logger;
}

/**
 * A 207 whose body is produced as the responses are: a 10,000-member listing is never held as
 * one string, and the client starts reading while the server still works. `trailer` (e.g. the
 * sync-token) is asked for after the last response. The status line is sent before the responses
 * are computed, so producers answer a member they cannot compute with an error response of its own;
 * should the producer itself fail, `failure` ends the document with a 500 response for the
 * request-URI and no trailer (a sync-token would claim a listing that is not complete), rather than
 * with a body cut off mid-element.
 */
export function streamingMultistatus(
  responses: AsyncIterable<MultistatusItem> | Iterable<MultistatusItem>,
  trailer: () => readonly XmlElement[] = () => [],
  headers: Record<string, string> = {},
  failure?: StreamFailure,
): Response {
  const writer = new XmlStreamWriter(dav('multistatus'));
  const iterator = Symbol.asyncIterator in responses ? responses[Symbol.asyncIterator]() : (responses as Iterable<MultistatusItem>)[Symbol.iterator]();
  let started = false;
  const pause = timeSlicer();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = started ? '' : writer.start();
      started = true;
      try {
        while (chunk.length < CHUNK_CHARS) {
          const paused = pause();
          if (paused) await paused;
          const next = await iterator.next();
          if (next.done) {
            for (const element of trailer()) chunk += writer.child(element);
            controller.enqueue(encodeUtf8(chunk + writer.end()));
            controller.close();
            return;
          }
          const item = next.value;
          if (isPage(item)) for (const response of item) chunk += writeResponse(writer, response);
          else chunk += writeResponse(writer, item);
        }
      } catch (error) {
        if (!failure) throw error;
        failure.logger.error('A multistatus ended early', { href: failure.path, error: errorText(error) });
        const description = el(dav('responsedescription'), 'The server failed while producing this answer; it is incomplete');
        chunk += writeResponse(writer, { path: failure.path, status: 500, extra: [description] });
        controller.enqueue(encodeUtf8(chunk + writer.end()));
        controller.close();
        return;
      }
      controller.enqueue(encodeUtf8(chunk));
    },
  });
  return new Response(body, { status: 207, headers: { 'Content-Type': 'application/xml; charset=utf-8', ...headers } });
}
