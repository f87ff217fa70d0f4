import { describe, expect, it } from 'vitest';
import { getZone } from '../../../src/tz/catalogue.ts';
import { localToUtcMs, utcMsToLocal, UTC_ZONE, type LocalDateTime, type Zone } from '../../../src/tz/zone.ts';

function zone(tzid: string): Zone {
  const found = getZone(tzid);
  if (!found) throw new Error(`missing ${tzid}`);
  return found;
}

function local(text: string): LocalDateTime {
  const [date = '', time = ''] = text.split('T');
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute, second = 0] = time.split(':').map(Number) as [number, number, number?];
  return { year, month, day, hour, minute, second };
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

describe('RFC 5545 §3.3.5 local time in a DST gap uses the offset before the gap', () => {
  it.each([
    ['America/New_York', '2025-03-09T02:30', '2025-03-09T07:30:00Z'],
    ['Europe/London', '2025-03-30T01:30', '2025-03-30T01:30:00Z'],
    // Lord Howe springs forward by 30 minutes: 02:00–02:30 does not exist.
    ['Australia/Lord_Howe', '2025-10-05T02:15', '2025-10-04T15:45:00Z'],
    // Sao Paulo's last DST gap (2018-11-04 00:00 → 01:00), before Brazil abolished DST in 2019.
    ['America/Sao_Paulo', '2018-11-04T00:30', '2018-11-04T03:30:00Z'],
  ])('%s %s → %s', (tzid, wall, expected) => {
    expect(iso(localToUtcMs(zone(tzid), local(wall)))).toBe(expected);
  });
});

describe('RFC 5545 §3.3.5 an ambiguous local time takes its first occurrence', () => {
  it.each([
    ['America/New_York', '2025-11-02T01:30', '2025-11-02T05:30:00Z'],
    ['Europe/London', '2025-10-26T01:30', '2025-10-26T00:30:00Z'],
    ['Australia/Lord_Howe', '2025-04-06T01:45', '2025-04-05T14:45:00Z'],
    ['America/Sao_Paulo', '2019-02-16T23:30', '2019-02-17T01:30:00Z'],
  ])('%s %s → %s', (tzid, wall, expected) => {
    expect(iso(localToUtcMs(zone(tzid), local(wall)))).toBe(expected);
  });
});

describe('unambiguous local times and the way back', () => {
  it('maps New York wall times on both sides of a transition', () => {
    const ny = zone('America/New_York');
    expect(iso(localToUtcMs(ny, local('2025-03-09T01:59:59')))).toBe('2025-03-09T06:59:59Z');
    expect(iso(localToUtcMs(ny, local('2025-03-09T03:00')))).toBe('2025-03-09T07:00:00Z');
    expect(utcMsToLocal(ny, Date.parse('2025-03-09T06:59:59Z'))).toEqual(local('2025-03-09T01:59:59'));
    expect(utcMsToLocal(ny, Date.parse('2025-03-09T07:00:00Z'))).toEqual(local('2025-03-09T03:00:00'));
    // Both occurrences of 01:30 on the fall-back day read back as 01:30.
    expect(utcMsToLocal(ny, Date.parse('2025-11-02T05:30:00Z'))).toEqual(local('2025-11-02T01:30'));
    expect(utcMsToLocal(ny, Date.parse('2025-11-02T06:30:00Z'))).toEqual(local('2025-11-02T01:30'));
  });

  it('keeps Sao Paulo at -03 all year since DST was abolished in 2019', () => {
    const saoPaulo = zone('America/Sao_Paulo');
    for (const month of [1, 4, 7, 10, 12]) {
      expect(saoPaulo.offsetAtUtc(Date.UTC(2024, month - 1, 15))).toBe(-3 * 3600);
    }
    expect(saoPaulo.offsetAtUtc(Date.UTC(2018, 11, 15))).toBe(-2 * 3600);
  });

  it('follows Casablanca through Ramadan 2025 (+01 → +00 → +01) and its 2026 move to +00', () => {
    const casablanca = zone('Africa/Casablanca');
    expect(casablanca.offsetAtUtc(Date.UTC(2025, 0, 15))).toBe(3600);
    expect(casablanca.offsetAtUtc(Date.UTC(2025, 2, 10))).toBe(0);
    expect(casablanca.offsetAtUtc(Date.UTC(2025, 4, 1))).toBe(3600);
    expect(casablanca.offsetAtUtc(Date.UTC(2027, 6, 1))).toBe(0);
    // The Ramadan change of 2025-02-23 03:00 (+01 → +00) repeats 02:00–02:59 local.
    expect(iso(localToUtcMs(casablanca, local('2025-02-23T02:30')))).toBe('2025-02-23T01:30:00Z');
    // Back to +01 on 2025-04-06 02:00: 02:00–02:59 local does not exist.
    expect(iso(localToUtcMs(casablanca, local('2025-04-06T02:30')))).toBe('2025-04-06T02:30:00Z');
  });

  it('shifts Lord Howe by half an hour in its 30-minute DST', () => {
    const lordHowe = zone('Australia/Lord_Howe');
    expect(lordHowe.offsetAtUtc(Date.UTC(2025, 0, 1))).toBe(11 * 3600);
    expect(lordHowe.offsetAtUtc(Date.UTC(2025, 6, 1))).toBe(10.5 * 3600);
  });

  it('treats UTC_ZONE as offset 0 everywhere', () => {
    expect(UTC_ZONE.offsetAtUtc(Date.UTC(1800, 0, 1))).toBe(0);
    expect(iso(localToUtcMs(UTC_ZONE, local('2025-03-09T02:30')))).toBe('2025-03-09T02:30:00Z');
    expect(utcMsToLocal(UTC_ZONE, Date.UTC(2000, 1, 29, 23, 59, 59))).toEqual(local('2000-02-29T23:59:59'));
  });

  it('handles years before 100 without the Date.UTC 1900 offset', () => {
    expect(utcMsToLocal(UTC_ZONE, localToUtcMs(UTC_ZONE, local('0050-06-01T12:00')))).toEqual(local('0050-06-01T12:00'));
  });
});
