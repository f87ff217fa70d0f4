// The page's inline script: it must parse as JavaScript (it is kept as text), and its import
// splitter must give one calendar object per UID (RFC 4791 §4.1) with the time zones it uses
// and no METHOD.
import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { PAGE_SCRIPT } from '../../../src/web/script.ts';
import { CLIENT_IMPORT } from '../../../src/web/script-import.ts';

type Item = { uid: string | null; label: string; text: string };
const splitCalendar = new Function(`${CLIENT_IMPORT}\nreturn splitCalendar;`)() as (text: string) => Item[];

const FILE = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//Export//EN', 'METHOD:PUBLISH', 'X-WR-CALNAME:Team',
  'BEGIN:VTIMEZONE', 'TZID:Europe/Paris', 'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD', 'END:VTIMEZONE',
  'BEGIN:VTIMEZONE', 'TZID:America/New_York', 'BEGIN:STANDARD', 'DTSTART:19701101T020000', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'END:STANDARD', 'END:VTIMEZONE',
  'BEGIN:VEVENT', 'UID:weekly@example.com', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Paris:20260105T090000', 'RRULE:FREQ=WEEKLY', 'SUMMARY:Weekly\\, planning',
  'BEGIN:VALARM', 'UID:alarm-uid-is-not-the-event', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'END:VALARM', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:weekly@example.com', 'RECURRENCE-ID;TZID=Europe/Paris:20260112T090000', 'DTSTAMP:20260101T000000Z',
  'DTSTART;TZID=Europe/Paris:20260112T100000', 'SUMMARY:Moved planning', 'END:VEVENT',
  'BEGIN:VTODO', 'UID:todo@example.com', 'DTSTAMP:20260101T000000Z', 'SUMMARY:A long summary that is folded across',
  '  two lines', 'END:VTODO',
  'BEGIN:VEVENT', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T000000Z', 'SUMMARY:No UID', 'END:VEVENT',
  'END:VCALENDAR', '',
].join('\r\n');

describe('the page script', () => {
  it('is valid JavaScript', () => {
    expect(() => new Function(PAGE_SCRIPT)).not.toThrow();
  });

  it('never closes its own <script> element', () => {
    expect(PAGE_SCRIPT.toLowerCase()).not.toContain('</script');
  });
});

describe('RFC 4791 §4.1 import splitting: one calendar object resource per UID', () => {
  const items = splitCalendar(FILE);

  it('groups an override with its master and keeps each UID apart', () => {
    expect(items.map((i) => i.uid)).toEqual(['weekly@example.com', 'todo@example.com', null]);
    const weekly = new ICAL.Component(ICAL.parse(items[0]!.text) as unknown[]);
    expect(weekly.getAllSubcomponents('vevent')).toHaveLength(2);
    expect(weekly.getAllSubcomponents('vevent')[0]!.getFirstSubcomponent('valarm')).not.toBeNull();
  });

  it('labels items by the master\'s SUMMARY, unescaped, and unfolds folded lines', () => {
    expect(items.map((i) => i.label)).toEqual(['Weekly, planning', 'A long summary that is folded across two lines', 'No UID']);
  });

  it('carries only the VTIMEZONEs an item uses, and drops METHOD (not allowed in stored objects)', () => {
    const weekly = new ICAL.Component(ICAL.parse(items[0]!.text) as unknown[]);
    expect(weekly.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['Europe/Paris']);
    expect(weekly.getFirstPropertyValue('method')).toBeNull();
    expect(weekly.getFirstPropertyValue('prodid')).toBe('-//Example//Export//EN');
    const todo = new ICAL.Component(ICAL.parse(items[1]!.text) as unknown[]);
    expect(todo.getAllSubcomponents('vtimezone')).toHaveLength(0);
    expect(items[1]!.text.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('finds nothing to import in a file without components', () => {
    expect(splitCalendar('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n')).toEqual([]);
  });
});
