// A streamed 207 (RFC 4918 §13) has sent its status line before its responses are computed: when
// the producer fails, the document still ends well-formed, saying it is incomplete.
import { describe, expect, it } from 'vitest';
import { streamingMultistatus, type MultistatusResponse } from '../../../src/dav/multistatus.ts';
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
});
