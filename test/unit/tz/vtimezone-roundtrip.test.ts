// Every bundled zone's generated VTIMEZONE, read back through zoneFromVtimezone, must give the
// transition table's offsets: at each transition ±1 s and at weekly probes from 1970 to 2037.
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { getTransitionZone, listZones, vtimezoneText } from '../../../src/tz/catalogue.ts';
import { findOngoingRule } from '../../../src/tz/ongoing-rule.ts';
import { zoneFromVtimezone } from '../../../src/tz/vtimezone-zone.ts';

const FROM = Date.UTC(1970, 0, 1) / 1000;
const TO = Date.UTC(2038, 0, 1) / 1000;
const WEEK = 7 * 86_400;

function mismatchesFor(tzid: string, opts?: { startUtcMs?: number; endUtcMs?: number }): string[] {
  const reference = getTransitionZone(tzid);
  const text = vtimezoneText(tzid, opts);
  if (!reference || !text) return [`${tzid}: missing`];
  const parsed = zoneFromVtimezone(new ICAL.Component(ICAL.parse(text)));
  const low = opts?.startUtcMs !== undefined ? opts.startUtcMs / 1000 : -Infinity;
  const high = opts?.endUtcMs !== undefined ? opts.endUtcMs / 1000 : Infinity;
  const probes: number[] = [];
  for (const change of reference.transitionsBetween(Math.max(low, -5e9), Math.min(high, TO))) {
    probes.push(change.utcSeconds - 1, change.utcSeconds, change.utcSeconds + 1);
  }
  for (let at = Math.max(FROM, low); at < Math.min(TO, high); at += WEEK) probes.push(at);
  const problems: string[] = [];
  for (const at of probes) {
    if (at < low || at >= high) continue;
    const expected = reference.offsetAtUtc(at * 1000);
    const actual = parsed.offsetAtUtc(at * 1000);
    if (expected !== actual) problems.push(`${tzid} ${new Date(at * 1000).toISOString()}: ${actual} ≠ ${expected}`);
  }
  return problems;
}

describe('RFC 5545 §3.6.5 VTIMEZONE generation reproduces the transition table', () => {
  it('holds for every zone in the catalogue, history included', () => {
    const zones = listZones();
    expect(zones.length).toBeGreaterThan(400);
    const problems = zones.flatMap((zone) => mismatchesFor(zone.tzid));
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('holds for every zone truncated to 2000–2030 (RFC 7808 §5.3)', () => {
    const range = { startUtcMs: Date.UTC(2000, 0, 1), endUtcMs: Date.UTC(2030, 0, 1) };
    const problems = listZones().flatMap((zone) => mismatchesFor(zone.tzid, range));
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('states the ongoing rule as RRULEs where RFC 5545 can express it', () => {
    const rrules = (tzid: string) => (vtimezoneText(tzid) ?? '').split('\r\n').filter((line) => line.startsWith('RRULE:'));
    expect(rrules('America/New_York')).toEqual(['RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU']);
    // Friday before the last Sunday of March: "M3.4.4/26" in the POSIX footer.
    expect(rrules('Asia/Jerusalem')[0]).toBe('RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29');
    // Saturday before the last Sunday of March at 22:00: "M3.5.0/-1".
    expect(rrules('America/Nuuk')[0]).toBe('RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=SA;BYMONTHDAY=24,25,26,27,28,29,30');
    // Africa/Cairo ends DST the day after October's last Thursday, possibly November 1: RDATEs.
    expect(rrules('Africa/Cairo')).toEqual([]);
    expect(vtimezoneText('Africa/Cairo')).toContain('RDATE:20371030T000000');
  });

  it('starts the RRULE where the footer rule runs continuously (Riga skipped DST in 2000)', () => {
    const riga = getTransitionZone('Europe/Riga');
    const rule = riga && findOngoingRule(riga);
    expect(rule && new Date(rule.sinceUtcSeconds * 1000).getUTCFullYear()).toBe(2001);
  });

  it('repeats DTSTART as an RDATE and writes one RDATE per line, for ical.js', () => {
    const text = vtimezoneText('America/Sao_Paulo') ?? '';
    const blocks = text.split(/\r\nBEGIN:(?:STANDARD|DAYLIGHT)\r\n/).slice(1);
    const withRdates = blocks.filter((block) => block.includes('RDATE:'));
    expect(withRdates.length).toBeGreaterThan(2);
    for (const block of withRdates) {
      const lines = block.split('\r\n');
      expect(lines[1]).toBe(lines[0]?.replace('DTSTART:', 'RDATE:'));
      expect(lines.filter((line) => line.startsWith('RDATE:') && line.includes(','))).toEqual([]);
    }
  });
});
