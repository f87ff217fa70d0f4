// Copying and rewriting jCal trees (RFC 7265) without recursion: objects stored before nesting was
// bounded can be thousands of components deep, and the call stack is not.
import { describe, expect, it } from 'vitest';
import { cloneJCal, type JCalComponent } from '../../../../src/caldav/calendar-data/jcal.ts';
import { convertTimesToUtc, recurrenceIdValue } from '../../../../src/caldav/calendar-data/times.ts';
import { getZone } from '../../../../src/tz/catalogue.ts';
import { parseICalendar } from '../../../../src/ical/parse.ts';

function nested(levels: number, leaf: JCalComponent): JCalComponent {
  let inner = leaf;
  for (let i = 0; i < levels; i++) inner = ['x-n', [], [inner]];
  return inner;
}

const innermost = (component: JCalComponent): JCalComponent => {
  let current = component;
  while (current[2].length > 0) current = current[2][0]!;
  return current;
};

describe('cloneJCal', () => {
  it('copies deeply: editing the copy leaves the original as it was', () => {
    const original: JCalComponent = ['vevent', [['dtstart', { tzid: 'Europe/Berlin' }, 'date-time', '2026-03-01T10:00:00'], ['rrule', {}, 'recur', { freq: 'WEEKLY', byday: ['MO', 'TU'] }]], [['valarm', [['action', {}, 'text', 'DISPLAY']], []]]];
    const copy = cloneJCal(original);
    expect(copy).toEqual(original);
    copy[1][0]![1].tzid = 'UTC';
    (copy[1][1]![3] as { byday: string[] }).byday.push('WE');
    copy[2][0]![1].pop();
    expect(original[1][0]![1].tzid).toBe('Europe/Berlin');
    expect((original[1][1]![3] as { byday: string[] }).byday).toEqual(['MO', 'TU']);
    expect(original[2][0]![1]).toHaveLength(1);
  });

  it('copies 100,000 levels of nesting', () => {
    const original = nested(100_000, ['x-leaf', [['x-p', {}, 'text', 'bottom']], []]);
    const copy = cloneJCal(original);
    expect(innermost(copy)).toEqual(['x-leaf', [['x-p', {}, 'text', 'bottom']], []]);
    expect(innermost(copy)).not.toBe(innermost(original));
  });
});

describe('convertTimesToUtc', () => {
  it('rewrites zoned times at any depth', () => {
    const tree = nested(100_000, ['x-leaf', [['dtstart', { tzid: 'America/New_York' }, 'date-time', '2026-03-02T09:00:00']], []]);
    const vcalendar = parseICalendar('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n');
    convertTimesToUtc(tree, { vcalendar, floatingZone: undefined });
    expect(innermost(tree)[1][0]).toEqual(['dtstart', {}, 'date-time', '2026-03-02T14:00:00Z']);
  });
});

describe('recurrenceIdValue', () => {
  const vcalendar = parseICalendar('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n');
  it('writes each form the recurrence engine gives as jCal, floating ones in UTC only with a floating zone', () => {
    const plain = { vcalendar, floatingZone: undefined };
    const paris = { vcalendar, floatingZone: getZone('Europe/Paris') };
    expect(recurrenceIdValue('20250301', plain)).toEqual(['date', '2025-03-01']);
    expect(recurrenceIdValue('20250301T140000Z', paris)).toEqual(['date-time', '2025-03-01T14:00:00Z']);
    expect(recurrenceIdValue('20250301T140000', plain)).toEqual(['date-time', '2025-03-01T14:00:00']);
    expect(recurrenceIdValue('20250701T140000', paris)).toEqual(['date-time', '2025-07-01T12:00:00Z']);
    expect(recurrenceIdValue('not a time', plain)).toEqual(['date-time', 'not a time']);
  });
});
