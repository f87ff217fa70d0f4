// Shared by the ical and filter unit tests: real .ics fixtures from test/fixtures/ical, and small
// calendar objects built from a few content lines for the RFC 4791 §9.9 table rows.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseICalendar, type Component } from '../../../src/ical/parse.ts';
import { parseUtc } from '../../../src/ical/zones.ts';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/ical');

export function loadFixture(name: string): Component {
  return parseICalendar(readFileSync(join(FIXTURES, name), 'utf8'));
}

/** A VCALENDAR holding one component with the given content lines (and UID/DTSTAMP). */
export function calendarWith(component: string, lines: readonly string[], children: readonly string[] = []): Component {
  const body = [`BEGIN:${component}`, `UID:${component.toLowerCase()}@example.com`, 'DTSTAMP:20250101T000000Z', ...lines, ...children, `END:${component}`];
  return parseICalendar(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery//Tests//EN', ...body, 'END:VCALENDAR'].join('\r\n'));
}

/** Milliseconds of a "date with UTC time" (YYYYMMDDTHHMMSSZ). */
export function utc(text: string): number {
  const ms = parseUtc(text);
  if (ms === undefined) throw new Error(`bad UTC date-time ${text}`);
  return ms;
}

/** The time range [start, end) from two UTC date-times, either of which may be omitted (''). */
export function range(start: string, end: string): { startUtcMs?: number; endUtcMs?: number } {
  return { ...(start ? { startUtcMs: utc(start) } : {}), ...(end ? { endUtcMs: utc(end) } : {}) };
}

export const HORIZON_UTC_MS = utc('20380101T000000Z');
