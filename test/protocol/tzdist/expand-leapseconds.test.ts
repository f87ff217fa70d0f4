import { describe, expect, it } from 'vitest';
import { makeTzdistApp, problem, request } from './tzdist-app.ts';

const app = makeTzdistApp();

interface Expanded {
  tzid: string;
  start: string;
  end: string;
  observances: { name: string; onset: string; 'utc-offset-from': number; 'utc-offset-to': number }[];
}

const expand = async (path: string) => {
  const response = await request(app, path);
  expect(response.status, path).toBe(200);
  expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
  return (await response.json()) as Expanded;
};

describe('RFC 7808 §5.5 expand', () => {
  it('lists the observance at start, then each onset in the range, in UTC', async () => {
    const body = await expand('/zones/America/New_York/observances?start=2008-01-01T00:00:00Z&end=2009-01-01T00:00:00Z');
    expect(body).toEqual({
      tzid: 'America/New_York',
      start: '2008-01-01T00:00:00Z',
      end: '2009-01-01T00:00:00Z',
      observances: [
        { name: 'EST', onset: '2008-01-01T00:00:00Z', 'utc-offset-from': -18000, 'utc-offset-to': -18000 },
        { name: 'EDT', onset: '2008-03-09T07:00:00Z', 'utc-offset-from': -18000, 'utc-offset-to': -14400 },
        { name: 'EST', onset: '2008-11-02T06:00:00Z', 'utc-offset-from': -14400, 'utc-offset-to': -18000 },
      ],
    });
  });

  it('starts with the real onset when a transition falls exactly on start', async () => {
    const body = await expand('/zones/Europe/Paris/observances?start=2025-03-30T01:00:00Z&end=2025-04-01T00:00:00Z');
    expect(body.observances).toEqual([
      { name: 'CEST', onset: '2025-03-30T01:00:00Z', 'utc-offset-from': 3600, 'utc-offset-to': 7200 },
    ]);
  });

  it('expands aliases under the requested id and zones without DST to one entry', async () => {
    const body = await expand('/zones/Asia/Calcutta/observances?start=2020-01-01T00:00:00Z&end=2030-01-01T00:00:00Z');
    expect(body.tzid).toBe('Asia/Calcutta');
    expect(body.observances).toEqual([{ name: 'IST', onset: '2020-01-01T00:00:00Z', 'utc-offset-from': 19800, 'utc-offset-to': 19800 }]);
  });

  it('cuts a range longer than 100 years short and says so in "end"', async () => {
    const body = await expand('/zones/Europe/London/observances?start=1900-01-01T00:00:00Z&end=2200-01-01T00:00:00Z');
    expect(body.end).toBe('2000-01-01T00:00:00Z');
    expect((body.observances.at(-1)?.onset ?? '') < '2000-01-01').toBe(true);
  });

  it('requires start and end, and end after start: 400 invalid-start / invalid-end', async () => {
    const cases: [string, string][] = [
      ['end=2020-01-01T00:00:00Z', 'invalid-start'],
      ['start=2020-01-01T00:00:00Z', 'invalid-end'],
      ['start=2020-01-01T00:00:00Z&end=2019-01-01T00:00:00Z', 'invalid-end'],
      ['start=2020-01-01T00:00:00+01:00&end=2021-01-01T00:00:00Z', 'invalid-start'],
    ];
    for (const [query, code] of cases) {
      const response = await request(app, `/zones/Europe/Paris/observances?${query}`);
      expect(response.status, query).toBe(400);
      expect((await problem(response)).type).toBe(`urn:ietf:params:tzdist:error:${code}`);
    }
    const missing = await request(app, '/zones/Nowhere/observances?start=2020-01-01T00:00:00Z&end=2021-01-01T00:00:00Z');
    expect(missing.status).toBe(404);
    expect((await problem(missing)).type).toBe('urn:ietf:params:tzdist:error:tzid-not-found');
  });
});

describe('RFC 7808 §5.6 leapseconds', () => {
  it('gives the expiry date and TAI − UTC from each onset', async () => {
    const response = await request(app, '/leapseconds');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { expires: string; publisher: string; version: string; leapseconds: { 'utc-offset': number; onset: string }[] };
    expect(body.expires).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(body.expires > '2026-01-01').toBe(true);
    expect(body.publisher).toBe('IANA Time Zone Database');
    expect(body.leapseconds[0]).toEqual({ 'utc-offset': 10, onset: '1972-01-01' });
    expect(body.leapseconds).toContainEqual({ 'utc-offset': 37, onset: '2017-01-01' });
    const offsets = body.leapseconds.map((leap) => leap['utc-offset']);
    expect(offsets).toEqual(offsets.map((_, i) => 10 + i));
  });
});
