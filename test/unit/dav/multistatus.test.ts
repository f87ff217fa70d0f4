// A streamed 207 (RFC 4918 §13) has sent its status line before its responses are computed: when
// the producer fails, the document still ends well-formed, saying it is incomplete.
import { describe, expect, it } from 'vitest';
import { multistatusXml, streamingMultistatus, type MultistatusItem, type MultistatusResponse } from '../../../src/dav/multistatus.ts';
import { el } from '../../../src/dav/xml/element.ts';
import { dav } from '../../../src/dav/xml/names.ts';
import { findChild, parseMultistatus, parseXml } from '../../helpers/multistatus.ts';

const CAL = '/dav/calendars/user/alice/Default/';

async function* failingAfterOne(): AsyncGenerator<MultistatusResponse> {
  yield { path: `${CAL}ok.ics`, status: 200 };
  throw new Error('storage went away');
}

describe('streamingMultistatus', () => {
  it('ends a failed stream with a 500 response for the request-URI, logs it, and leaves out the trailer', async () => {
    const logged: Record<string, unknown>[] = [];
    const response = streamingMultistatus(failingAfterOne(), () => [el(dav('sync-token'), 'token')], {}, {
      path: CAL,
      logger: { info: () => undefined, error: (_message, fields) => void logged.push(fields ?? {}) },
    });
    expect(response.status).toBe(207);
    const text = await response.text();
    const responses = parseMultistatus(text);
    expect(responses.get(`${CAL}ok.ics`)?.status).toBe(200);
    expect(responses.get(CAL)?.status).toBe(500);
    expect(findChild(parseXml(text), dav('sync-token'))).toBeUndefined();
    expect(logged).toEqual([expect.objectContaining({ href: CAL, error: expect.stringContaining('storage went away') })]);
  });

  it('writes the trailer after the last response when nothing fails', async () => {
    const response = streamingMultistatus([{ path: `${CAL}ok.ics`, status: 200 }], () => [el(dav('sync-token'), 'token')], {}, { path: CAL, logger: { info: () => undefined, error: () => undefined } });
    const text = await response.text();
    expect(parseMultistatus(text).get(`${CAL}ok.ics`)?.status).toBe(200);
    expect(findChild(parseXml(text), dav('sync-token'))).toBeDefined();
  });

  it('writes the same document as the whole-tree rendering, foreign namespaces, errors and escapes included', async () => {
    const responses: MultistatusResponse[] = [
      {
        path: `${CAL}a b&c.ics`,
        propstats: [
          { status: 200, props: [el(dav('getetag'), '"x<1>"'), el('{http://example.com/ns}color', '#fff', { '{http://example.com/other}kind': 'hex' })] },
          { status: 404, props: [el(dav('displayname'))] },
          { status: 403, props: [el(dav('acl'))], error: el(dav('need-privileges')) },
        ],
      },
      { path: `${CAL}gone.ics`, status: 404, error: el(dav('no-such-member')), extra: [el(dav('responsedescription'), 'gone & away')] },
    ];
    const streamed = await streamingMultistatus(responses).text();
    expect(parseXml(streamed)).toEqual(parseXml(multistatusXml(responses)));
    expect(streamed).toContain('<D:getetag>"x&lt;1&gt;"</D:getetag>');
  });

  it('writes the hrefs of members of several collections as the whole-tree rendering does', async () => {
    // Members of several collections, one after another, whose hrefs need encoding and escaping.
    const paths = ['/', '/dav/', CAL, `${CAL}x y.ics`, `${CAL}sub/`, '/dav/calendars/user/bob/Work & Play/', '/dav/calendars/user/bob/Work & Play/été <1>.ics', `${CAL}z.ics`];
    const responses = paths.map((path): MultistatusResponse => ({ path, propstats: [{ status: 200, props: [el(dav('getetag'), '"1"')] }] }));
    const hrefsOf = (xml: string) => [...xml.matchAll(/<D:href>([^<]*)<\/D:href>/g)].map((m) => m[1]);
    const streamed = hrefsOf(await streamingMultistatus(responses).text());
    expect(streamed).toEqual(hrefsOf(multistatusXml(responses)));
    expect(streamed).toContain('/dav/calendars/user/bob/Work%20&amp;%20Play/%C3%A9t%C3%A9%20%3C1%3E.ics');
  });

  it('writes pages of responses in order, between single ones, as the same document', async () => {
    const response = (i: number): MultistatusResponse => ({ path: `${CAL}${i}.ics`, propstats: [{ status: 200, props: [el(dav('getetag'), `"${i}"`)] }] });
    const responses = Array.from({ length: 7 }, (_, i) => response(i));
    async function* items(): AsyncGenerator<MultistatusItem> {
      yield responses[0]!;
      yield responses.slice(1, 4);
      yield [];
      yield responses[4]!;
      yield responses.slice(5);
    }
    const streamed = await streamingMultistatus(items()).text();
    expect(parseXml(streamed)).toEqual(parseXml(multistatusXml(responses)));
    expect([...streamed.matchAll(/<D:href>[^<]*\/(\d+)\.ics</g)].map((m) => m[1])).toEqual(['0', '1', '2', '3', '4', '5', '6']);
  });

  it('sends a long listing in several chunks that together make one well-formed document', async () => {
    const responses = Array.from({ length: 5000 }, (_, i): MultistatusResponse => ({ path: `${CAL}${i}.ics`, propstats: [{ status: 200, props: [el(dav('getetag'), `"${i}"`)] }] }));
    const reader = streamingMultistatus(responses, () => [el(dav('sync-token'), 'token')]).body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let chunks = 0;
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks++;
      text += decoder.decode(next.value, { stream: true });
    }
    expect(chunks).toBeGreaterThan(1);
    const parsed = parseMultistatus(text);
    expect(parsed.size).toBe(5000);
    expect(parsed.get(`${CAL}4999.ics`)?.props.get(dav('getetag'))?.status).toBe(200);
    expect(text.endsWith('<D:sync-token>token</D:sync-token></D:multistatus>')).toBe(true);
  });
});
