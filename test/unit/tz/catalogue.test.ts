import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { canonicalTzid, getZone, listZones, TZ_DATA_VERSION, vtimezoneText } from '../../../src/tz/catalogue.ts';

describe('the bundled IANA catalogue', () => {
  it('names its data source as Cyrus ctl_zoneinfo -r does', () => {
    expect(TZ_DATA_VERSION).toMatch(/^IANA Time Zone Database:20\d\d[a-z]$/);
  });

  it('resolves links to canonical zones and rejects unknown ids', () => {
    expect(canonicalTzid('America/New_York')).toBe('America/New_York');
    expect(canonicalTzid('US/Eastern')).toBe('America/New_York');
    expect(canonicalTzid('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(canonicalTzid('UTC')).toBe('Etc/UTC');
    expect(canonicalTzid('Mars/Olympus_Mons')).toBeUndefined();
    expect(canonicalTzid('america/new_york')).toBeUndefined();
    // Lookups must not fall through to Object.prototype.
    expect(canonicalTzid('constructor')).toBeUndefined();
    expect(getZone('__proto__')).toBeUndefined();
    expect(getZone('US/Eastern')?.tzid).toBe('America/New_York');
  });

  it('lists every zone once with its aliases, and no alias as a zone', () => {
    const zones = listZones();
    const ids = new Set(zones.map((zone) => zone.tzid));
    expect(ids.size).toBe(zones.length);
    expect(zones.find((zone) => zone.tzid === 'America/New_York')?.aliases).toContain('US/Eastern');
    const aliases = zones.flatMap((zone) => zone.aliases);
    expect(aliases.filter((alias) => ids.has(alias))).toEqual([]);
    expect(aliases.every((alias) => canonicalTzid(alias) !== undefined)).toBe(true);
    expect(ids.has('Factory')).toBe(false);
  });

  it('labels Dublin winter time standard and summer time daylight (rearguard form of negative DST)', () => {
    const text = vtimezoneText('Europe/Dublin') ?? '';
    const observances = [...text.matchAll(/BEGIN:(STANDARD|DAYLIGHT)\r\n([\s\S]*?)END:\1/g)];
    const ongoing = (kind: string) => observances.find((m) => m[1] === kind && m[2]?.includes('RRULE:'))?.[2];
    const daylight = ongoing('DAYLIGHT');
    const standard = ongoing('STANDARD');
    expect(daylight).toContain('TZOFFSETTO:+0100');
    expect(daylight).toContain('TZNAME:IST');
    expect(standard).toContain('TZOFFSETTO:+0000');
    expect(standard).toContain('TZNAME:GMT');
  });
});

describe('RFC 7808 §7 VTIMEZONE text', () => {
  it('gives an alias its own TZID plus TZID-ALIAS-OF', () => {
    const text = vtimezoneText('US/Eastern') ?? '';
    expect(text.startsWith('BEGIN:VTIMEZONE\r\nTZID:US/Eastern\r\nTZID-ALIAS-OF:America/New_York\r\n')).toBe(true);
    expect(vtimezoneText('America/New_York')).not.toContain('TZID-ALIAS-OF');
    expect(vtimezoneText('Nowhere/Special')).toBeUndefined();
  });

  it('truncates at start with an anchoring observance and at end with TZUNTIL (§5.3, §7.1)', () => {
    const text = vtimezoneText('America/New_York', { startUtcMs: Date.UTC(2020, 0, 1), endUtcMs: Date.UTC(2022, 0, 1) }) ?? '';
    expect(text).toContain('TZUNTIL:20220101T000000Z\r\n');
    expect(text).toContain('BEGIN:STANDARD\r\nDTSTART:20191231T190000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\n');
    const dtstarts = [...text.matchAll(/^DTSTART:(\d{8}T\d{6})$/gm)].map((match) => match[1]);
    expect(dtstarts).toEqual(['20191231T190000', '20200308T020000', '20201101T020000']);
    expect(text).not.toContain('RDATE:');
    expect(text).toMatch(/RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU;UNTIL=2021\d{4}T\d{6}Z/);
  });

  it('is a complete component that ical.js parses and uses', () => {
    const text = vtimezoneText('Europe/Paris') ?? '';
    expect(text.startsWith('BEGIN:VTIMEZONE\r\n')).toBe(true);
    expect(text.endsWith('END:VTIMEZONE\r\n')).toBe(true);
    const component = new ICAL.Component(ICAL.parse(text));
    const timezone = new ICAL.Timezone(component);
    expect(timezone.tzid).toBe('Europe/Paris');
    // A summer instant, converted by ical.js away from any transition, is in CEST.
    const summer = ICAL.Time.fromData({ year: 2025, month: 7, day: 1, hour: 12, minute: 0, second: 0 }, timezone);
    expect(summer.utcOffset()).toBe(7200);
  });

  it('folds nothing: no generated line exceeds 75 octets', () => {
    for (const zone of listZones().slice(0, 60)) {
      const long = (vtimezoneText(zone.tzid) ?? '').split('\r\n').filter((line) => new TextEncoder().encode(line).length > 75);
      expect(long).toEqual([]);
    }
  });
});
