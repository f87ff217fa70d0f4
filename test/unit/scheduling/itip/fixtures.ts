// Calendar objects for the iTIP unit tests, built from lines so each test shows what differs.
import { parseCalendar } from '../../../../src/scheduling/itip/model.ts';
import { historyWindow } from '../../../../src/scheduling/itip/historical.ts';
import type ICAL from 'ical.js';

export const ALICE = 'mailto:alice@example.com';
export const BOB = 'mailto:bob@example.com';
export const CAROL = 'mailto:carol@example.com';
export const NOW = Date.UTC(2030, 0, 1);
export const OPEN = historyWindow(NOW, 7 * 86400, null);
export const PRODID = '-//Orrery tests//EN';

export function calendar(...components: string[][]): ICAL.Component {
  return parseCalendar(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', ...components.flat(), 'END:VCALENDAR', ''].join('\r\n'));
}

export function vevent(lines: string[], options: { attendees?: string[]; rid?: string; start?: string; organizer?: string } = {}): string[] {
  const start = options.start ?? options.rid ?? '20300110T100000Z';
  return [
    'BEGIN:VEVENT',
    'UID:u1',
    ...(options.rid ? [`RECURRENCE-ID:${options.rid}`] : []),
    'DTSTAMP:20300101T000000Z',
    `DTSTART:${start}`,
    'DURATION:PT1H',
    'SUMMARY:Meet',
    `ORGANIZER:${options.organizer ?? ALICE}`,
    ...(options.attendees ?? [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE:${BOB}`, `ATTENDEE:${CAROL}`]),
    ...lines,
    'END:VEVENT',
  ];
}

export const organizerChange = (previous: ICAL.Component | null, next: ICAL.Component | null) => ({
  previous,
  next,
  organizer: ALICE,
  self: new Set([ALICE]),
  previousHistory: OPEN,
  nextHistory: OPEN,
  nowMs: NOW,
  prodid: PRODID,
});

/** Messages as "METHOD recipient [keys]" for compact assertions. */
export function describe(messages: { method: string; recipient: string; calendar: ICAL.Component }[]): string[] {
  return messages.map((m) => {
    const keys = m.calendar
      .getAllSubcomponents()
      .filter((c) => c.name !== 'vtimezone')
      .map((c) => (c.hasProperty('recurrence-id') ? String(c.getFirstPropertyValue('recurrence-id')) : 'master'));
    return `${m.method} ${m.recipient} ${keys.join(',')}`;
  });
}
