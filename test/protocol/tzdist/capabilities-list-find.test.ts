import { describe, expect, it } from 'vitest';
import { listZones, TZ_DATA_VERSION } from '../../../src/tz/catalogue.ts';
import { makeTzdistApp, problem, request } from './tzdist-app.ts';

const app = makeTzdistApp();

interface ZoneList {
  synctoken: string;
  timezones: { tzid: string; etag: string; 'last-modified': string; aliases?: string[] }[];
}

describe('RFC 7808 §5.1 capabilities', () => {
  it('describes the data source, formats, truncation and every action', async () => {
    const response = await request(app, '/capabilities');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    const body = (await response.json()) as {
      version: number;
      info: { 'primary-source': string; formats: string[]; truncated: unknown };
      actions: { name: string; 'uri-template': string; parameters: { name: string; required: boolean; multi: boolean }[] }[];
    };
    expect(body.version).toBe(1);
    expect(body.info['primary-source']).toBe(TZ_DATA_VERSION);
    expect(body.info.formats).toEqual(['text/calendar', 'application/calendar+json', 'application/calendar+xml', 'application/tzif', 'application/tzif-leap']);
    expect(body.info.truncated).toEqual({ any: true, untruncated: true });
    expect(body.actions.map((a) => [a.name, a['uri-template']])).toEqual([
      ['capabilities', '/capabilities'],
      ['list', '/zones{?changedsince}'],
      ['get', '/zones{/tzid}{?start,end}'],
      ['expand', '/zones{/tzid}/observances{?start,end}'],
      ['find', '/zones{?pattern}'],
      ['leapseconds', '/leapseconds'],
    ]);
    expect(body.actions.find((a) => a.name === 'expand')?.parameters.every((p) => p.required && !p.multi)).toBe(true);
  });
});

describe('RFC 7808 §5.2 list', () => {
  it('lists every zone with etag, last-modified and aliases', async () => {
    const response = await request(app, '/zones');
    expect(response.status).toBe(200);
    const body = (await response.json()) as ZoneList;
    expect(body.timezones.length).toBe(listZones().length);
    const ny = body.timezones.find((zone) => zone.tzid === 'America/New_York');
    expect(ny?.aliases).toContain('US/Eastern');
    expect(ny?.etag).toMatch(/^"[0-9a-f]{16}-\d+"$/);
    expect(ny?.['last-modified']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The list ETag of a zone is the one its get returns, so clients can compare them.
    const get = await request(app, '/zones/America/New_York');
    expect(get.headers.get('ETag')).toBe(ny?.etag);
  });

  it('answers changedsince with its own synctoken by an empty list', async () => {
    const { synctoken } = (await (await request(app, '/zones')).json()) as ZoneList;
    const same = (await (await request(app, `/zones?changedsince=${encodeURIComponent(synctoken)}`)).json()) as ZoneList;
    expect(same).toEqual({ synctoken, timezones: [] });
  });

  it('answers a synctoken of another data release with every zone', async () => {
    const body = (await (await request(app, '/zones?changedsince=0123456789abcdef-1')).json()) as ZoneList;
    expect(body.timezones.length).toBe(listZones().length);
  });

  it('rejects a token it never issued, or two of them: 400 invalid-changedsince', async () => {
    for (const query of ['changedsince=yesterday', 'changedsince=0123456789abcdef-1&changedsince=0123456789abcdef-1']) {
      const response = await request(app, `/zones?${query}`);
      expect(response.status).toBe(400);
      expect((await problem(response)).type).toBe('urn:ietf:params:tzdist:error:invalid-changedsince');
    }
  });
});

describe('RFC 7808 §5.4 find', () => {
  const find = async (pattern: string) =>
    ((await (await request(app, `/zones?pattern=${encodeURIComponent(pattern)}`)).json()) as ZoneList).timezones.map((zone) => zone.tzid);

  it('matches with "*" wildcards, case-insensitively, spaces as underscores', async () => {
    expect(await find('america/new_*')).toEqual(['America/New_York']);
    expect(await find('New York')).toEqual(['America/New_York']);
    expect(await find('*/Lord_howe')).toEqual(['Australia/Lord_Howe']);
    const europe = await find('Europe/*');
    expect(europe).toContain('Europe/Paris');
    // Asia/Nicosia is found through its alias Europe/Nicosia.
    expect(europe).toContain('Asia/Nicosia');
    const named = (tzid: string) => [tzid, ...(listZones().find((zone) => zone.tzid === tzid)?.aliases ?? [])];
    expect(europe.filter((tzid) => !named(tzid).some((name) => name.startsWith('Europe/')))).toEqual([]);
  });

  it('matches aliases and returns the canonical zone', async () => {
    expect(await find('US/Eastern')).toEqual(['America/New_York']);
    expect(await find('calcutta')).toEqual(['Asia/Kolkata']);
  });

  it('matches several wildcards in order, and a pattern of many of them at once', async () => {
    expect(await find('america/*w*ork')).toEqual(['America/New_York']);
    expect(await find('a*ica/*w*k')).toEqual(['Africa/Windhoek', 'America/Dawson_Creek', 'America/New_York']);
    // Compiled to a regular expression, these backtracked for minutes (past the test's timeout).
    expect(await find(`a${'*'.repeat(30)}!`)).toEqual([]);
    expect(await find(`${'*a'.repeat(30)}*`)).toEqual([]);
  });

  it('treats regular-expression characters literally', async () => {
    expect(await find('Etc/GMT+5')).toEqual(['Etc/GMT+5']);
    expect(await find('America/.*')).toEqual([]);
  });

  it('rejects an empty or wildcard-only pattern: 400 invalid-pattern', async () => {
    for (const pattern of ['', '*', '**']) {
      const response = await request(app, `/zones?pattern=${encodeURIComponent(pattern)}`);
      expect(response.status).toBe(400);
      expect((await problem(response)).type).toBe('urn:ietf:params:tzdist:error:invalid-pattern');
    }
  });

  it('rejects find and list parameters together: 400 invalid-action', async () => {
    const response = await request(app, '/zones?pattern=Paris&changedsince=0123456789abcdef-1');
    expect(response.status).toBe(400);
    expect((await problem(response)).type).toBe('urn:ietf:params:tzdist:error:invalid-action');
  });
});
