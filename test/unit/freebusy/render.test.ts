// RFC 4791 §7.10 / RFC 5545 §3.6.4 free-busy answer: VCALENDAR with one VFREEBUSY holding DTSTAMP,
// the range as DTSTART/DTEND and one FREEBUSY per period with FBTYPE, in UTC; text and jCal (RFC 7265).
import { describe, expect, it } from 'vitest';
import { renderFreeBusy } from '../../../src/freebusy/render.ts';
import { parseICalendar } from '../../../src/ical/parse.ts';

const DOC = {
  range: { startUtcMs: Date.UTC(2006, 0, 4, 14), endUtcMs: Date.UTC(2006, 0, 5, 22) },
  dtstampUtcMs: Date.UTC(2005, 0, 25, 9),
  uid: 'fb-1',
};
const PERIODS = [
  { type: 'BUSY-TENTATIVE' as const, startUtcMs: Date.UTC(2006, 0, 4, 15), endUtcMs: Date.UTC(2006, 0, 4, 16) },
  { type: 'BUSY' as const, startUtcMs: Date.UTC(2006, 0, 4, 19), endUtcMs: Date.UTC(2006, 0, 4, 20) },
  { type: 'BUSY-UNAVAILABLE' as const, startUtcMs: Date.UTC(2006, 0, 5, 17), endUtcMs: Date.UTC(2006, 0, 5, 18) },
];

describe('RFC 4791 §7.10 VFREEBUSY rendering', () => {
  it('writes the RFC 4791 §7.10 shape as text/calendar', () => {
    expect(renderFreeBusy(PERIODS, DOC)).toBe(
      [
        'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery//Orrery CalDAV Server//EN',
        'BEGIN:VFREEBUSY', 'UID:fb-1', 'DTSTAMP:20050125T090000Z', 'DTSTART:20060104T140000Z', 'DTEND:20060105T220000Z',
        'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20060104T150000Z/20060104T160000Z',
        'FREEBUSY;FBTYPE=BUSY:20060104T190000Z/20060104T200000Z',
        'FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20060105T170000Z/20060105T180000Z',
        'END:VFREEBUSY', 'END:VCALENDAR', '',
      ].join('\r\n'),
    );
  });

  it('adds METHOD, ORGANIZER, ATTENDEE and URL when given, and parses back', () => {
    const text = renderFreeBusy([], { ...DOC, method: 'REPLY', organizer: 'mailto:a@example.com', attendee: 'mailto:b@example.com', url: 'https://example.com/freebusy/user/b' });
    const vcalendar = parseICalendar(text);
    expect(vcalendar.getFirstPropertyValue('method')).toBe('REPLY');
    const vfreebusy = vcalendar.getFirstSubcomponent('vfreebusy')!;
    expect(vfreebusy.getFirstPropertyValue('organizer')).toBe('mailto:a@example.com');
    expect(vfreebusy.getFirstPropertyValue('attendee')).toBe('mailto:b@example.com');
    expect(vfreebusy.getFirstPropertyValue('url')).toBe('https://example.com/freebusy/user/b');
    expect(vfreebusy.getAllProperties('freebusy')).toHaveLength(0);
  });

  it('writes jCal with period values (RFC 7265 §3.6.9)', () => {
    const jcal = JSON.parse(renderFreeBusy(PERIODS.slice(0, 1), DOC, 'application/calendar+json'));
    expect(jcal[0]).toBe('vcalendar');
    expect(jcal[2][0][0]).toBe('vfreebusy');
    expect(jcal[2][0][1]).toContainEqual(['dtstart', {}, 'date-time', '2006-01-04T14:00:00Z']);
    expect(jcal[2][0][1]).toContainEqual(['freebusy', { fbtype: 'BUSY-TENTATIVE' }, 'period', ['2006-01-04T15:00:00Z', '2006-01-04T16:00:00Z']]);
  });
});
