// draft-daboo-icalendar-vpatch: path grammar (§5) and the patch operations (§6–§9, §11.2),
// checked on the draft's Appendix A examples.
import { describe, expect, it } from 'vitest';
import { parseICalendar } from '../../../src/ical/parse.ts';
import { applyVpatch, InvalidPatchError, parseVpatch, PatchConflictError, UnsupportedPatchVersionError } from '../../../src/ical/vpatch.ts';
import { parseIcalPath } from '../../../src/ical/vpatch-path.ts';

const OBJECT = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:test',
  'BEGIN:VEVENT', 'UID:1234', 'DTSTAMP:20160901T000000Z', 'DTSTART:20160902T120000Z', 'DURATION:PT1H', 'SUMMARY:Master component',
  'RRULE:FREQ=DAILY;COUNT=10', 'EXDATE:20160905T120000Z,20160906T120000Z', 'CATEGORIES:a,b',
  'ATTENDEE;CN=Cyrus Daboo;MEMBER="mailto:g1@example.com","mailto:g2@example.com":mailto:cyrus@example.com',
  'ATTENDEE;PARTSTAT=ACCEPTED:mailto:ken@example.com',
  'DESCRIPTION:Line one\\nLine two', 'URL:http://example.com/',
  'END:VEVENT', 'END:VCALENDAR', '',
].join('\r\n');

function patched(...patchLines: string[]): string {
  const root = parseICalendar(OBJECT);
  const doc = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:test', 'BEGIN:VPATCH', 'UID:abcd', 'DTSTAMP:20160901T000000Z', ...patchLines, 'END:VPATCH', 'END:VCALENDAR', ''].join('\r\n');
  applyVpatch(root, parseVpatch(doc), { nowUtcMs: Date.UTC(2026, 0, 1), maxInstances: 1000 });
  return root.toString().replace(/\r\n /g, '');
}

const patch = (...lines: string[]) => ['BEGIN:PATCH', ...lines, 'END:PATCH'];

describe('draft-daboo-icalendar-vpatch §5 paths', () => {
  it('reads component, property, parameter and value segments with %-escapes', () => {
    expect(parseIcalPath('/VCALENDAR/VEVENT[UID=1234%2F4567][RID=M]', 'PATCH-TARGET').components).toEqual([{ name: 'VCALENDAR' }, { name: 'VEVENT', uid: '1234/4567', rid: 'M' }]);
    expect(parseIcalPath('#ATTENDEE[@CN!Cyrus Daboo];PARTSTAT', 'PATCH-DELETE')).toEqual({ components: [], property: { name: 'ATTENDEE', match: { kind: 'parameter', parameter: 'CN', value: 'Cyrus Daboo', negate: true } }, parameter: 'PARTSTAT' });
    expect(parseIcalPath('#EXDATE=20160905', 'PATCH-DELETE').value).toBe('20160905');
  });

  it.each([
    ['PATCH-TARGET', '/VEVENT'],
    ['PATCH-TARGET', '/VCALENDAR[UID=1]'],
    ['PATCH-TARGET', '/VCALENDAR/VEVENT#SUMMARY'],
    ['PATCH-TARGET', '/VCALENDAR/VEVENT[UID=1'],
    ['PATCH-TARGET', '/VCALENDAR/VEVENT[RID=tomorrow]'],
    ['PATCH-DELETE', '/VCALENDAR/VEVENT'],
    ['PATCH-DELETE', '#ATTENDEE[mailto:x]'],
    ['PATCH-DELETE', 'SUMMARY'],
    ['PATCH-DELETE', '/VEVENT#SUMMARY'],
    ['PATCH-DELETE', '#%ZZ'],
    ['PATCH-PARAMETER', '/VEVENT'],
    ['PATCH-PARAMETER', '#ATTENDEE=mailto:x'],
  ] as const)('refuses %s:%s', (use, text) => {
    expect(() => parseIcalPath(text, use)).toThrow(InvalidPatchError);
  });
});

describe('draft-daboo-icalendar-vpatch operations', () => {
  it('A.1 adds a component to VCALENDAR', () => {
    const out = patched(...patch('PATCH-TARGET:/VCALENDAR', 'BEGIN:VEVENT', 'UID:5678', 'DTSTART:20160902T103000Z', 'SUMMARY:Other', 'END:VEVENT'));
    expect(out).toContain('UID:5678');
    expect(out).toContain('UID:1234');
  });

  it('A.3 replaces a component with the same UID and A.4 deletes one', () => {
    const replaced = patched(...patch('PATCH-TARGET:/VCALENDAR', 'BEGIN:VEVENT', 'UID:1234', 'DTSTART:20160903T123000Z', 'SUMMARY:Changed event', 'END:VEVENT'));
    expect(replaced.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(replaced).toContain('SUMMARY:Changed event');
    expect(patched(...patch('PATCH-TARGET:/VCALENDAR', 'PATCH-DELETE:/VEVENT[UID=1234]'))).not.toContain('BEGIN:VEVENT');
  });

  it('A.6 replaces properties by name; A.7 BYVALUE replaces one attendee; CREATE adds', () => {
    const out = patched(...patch('PATCH-TARGET:/VCALENDAR/VEVENT[UID=1234]', 'SUMMARY:Title was changed', 'ATTENDEE;PATCH-ACTION=BYVALUE;PARTSTAT=DECLINED:mailto:ken@example.com', 'COMMENT;PATCH-ACTION=CREATE:one'));
    expect(out).toContain('SUMMARY:Title was changed');
    expect(out).not.toContain('Master component');
    expect(out).toContain('ATTENDEE;PARTSTAT=DECLINED:mailto:ken@example.com');
    expect(out).toContain('mailto:cyrus@example.com');
    expect(out).toContain('COMMENT:one');
    expect(out).not.toContain('PATCH-ACTION');
  });

  it('BYPARAM replaces the properties whose parameter matches', () => {
    const out = patched(...patch('PATCH-TARGET:/VCALENDAR/VEVENT', 'ATTENDEE;PATCH-ACTION="BYPARAM@CN=Cyrus Daboo";CN=Cyrus:mailto:cyrus@example.com'));
    expect(out).toContain('ATTENDEE;CN=Cyrus:mailto:cyrus@example.com');
    expect(out).not.toContain('g1@example.com');
  });

  it('A.8–A.13 delete properties, a property by value, parameters and single values (escaped form, §11.4)', () => {
    const out = patched(...patch(
      'PATCH-TARGET:/VCALENDAR/VEVENT[UID=1234]',
      'PATCH-DELETE:#URL',
      'PATCH-DELETE:#DESCRIPTION[=Line one\\nLine two]',
      'PATCH-DELETE:#ATTENDEE[=mailto:ken@example.com]',
      'PATCH-DELETE:#ATTENDEE;CN',
      'PATCH-DELETE:#ATTENDEE;MEMBER=mailto:g1@example.com',
      'PATCH-DELETE:#EXDATE=20160905T120000Z',
      'PATCH-DELETE:#CATEGORIES=a',
    ));
    expect(out).not.toContain('URL:');
    expect(out).not.toContain('DESCRIPTION');
    expect(out).not.toContain('ken@example.com');
    expect(out).toContain('ATTENDEE;MEMBER="mailto:g2@example.com":mailto:cyrus@example.com');
    expect(out).toContain('EXDATE:20160906T120000Z');
    expect(out).toContain('CATEGORIES:b');
  });

  it('A.10 and §9 set parameters and add a parameter value with PATCH-PARAMETER', () => {
    const out = patched(...patch(
      'PATCH-TARGET:/VCALENDAR/VEVENT',
      'PATCH-PARAMETER;PARTSTAT=TENTATIVE:#ATTENDEE[=mailto:ken@example.com]',
      'PATCH-PARAMETER;MEMBER="mailto:g3@example.com":#ATTENDEE[@CN];MEMBER',
    ));
    expect(out).toContain('ATTENDEE;PARTSTAT=TENTATIVE:mailto:ken@example.com');
    expect(out).toContain('MEMBER="mailto:g1@example.com","mailto:g2@example.com","mailto:g3@example.com"');
  });

  it('A.15 §11.2 creates an overridden instance for a RID= of the series', () => {
    const out = patched(...patch('PATCH-TARGET:/VCALENDAR/VEVENT[UID=1234][RID=20160903T120000Z]', 'SUMMARY:Override second instance'));
    const override = out.slice(out.lastIndexOf('BEGIN:VEVENT'));
    expect(override).toContain('RECURRENCE-ID:20160903T120000Z');
    expect(override).toContain('DTSTART:20160903T120000Z');
    expect(override).toContain('SUMMARY:Override second instance');
    expect(override).not.toContain('RRULE');
    expect(out).toContain('SUMMARY:Master component');
  });

  it('§11.2 an override of a zoned series keeps the zone and the length of the instance', () => {
    const root = parseICalendar([
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:test', 'BEGIN:VEVENT', 'UID:z', 'DTSTAMP:20160901T000000Z',
      'DTSTART;TZID=Europe/Paris:20160902T140000', 'DTEND;TZID=Europe/Paris:20160902T153000', 'RRULE:FREQ=WEEKLY', 'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n'));
    const doc = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:test', 'BEGIN:VPATCH', ...patch('PATCH-TARGET:/VCALENDAR/VEVENT[UID=z][RID=20160909T120000Z]', 'SUMMARY:moved'), 'END:VPATCH', 'END:VCALENDAR'].join('\r\n');
    applyVpatch(root, parseVpatch(doc), { nowUtcMs: Date.UTC(2026, 0, 1), maxInstances: 1000 });
    const out = root.toString();
    const override = out.slice(out.lastIndexOf('BEGIN:VEVENT'));
    expect(override).toContain('RECURRENCE-ID;TZID=Europe/Paris:20160909T140000');
    expect(override).toContain('DTSTART;TZID=Europe/Paris:20160909T140000');
    expect(override).toContain('DTEND;TZID=Europe/Paris:20160909T153000');
    expect(override).toContain('DTSTAMP:20260101T000000Z');
  });

  it('§11.2 a RID= that is excluded or not generated fails', () => {
    expect(() => patched(...patch('PATCH-TARGET:/VCALENDAR/VEVENT[UID=1234][RID=20160905T120000Z]', 'SUMMARY:x'))).toThrow(PatchConflictError);
    expect(() => patched(...patch('PATCH-TARGET:/VCALENDAR/VEVENT[UID=1234][RID=20160903T130000Z]', 'SUMMARY:x'))).toThrow(PatchConflictError);
  });

  it('§4 a PATCH-TARGET that matches nothing changes nothing', () => {
    expect(patched(...patch('PATCH-TARGET:/VCALENDAR/VEVENT[UID=none]', 'SUMMARY:x'))).toBe(parseICalendar(OBJECT).toString().replace(/\r\n /g, ''));
  });

  it('refuses documents that are not version-1 VPATCHes of PATCH components', () => {
    expect(() => patched('PATCH-VERSION:2', ...patch('PATCH-TARGET:/VCALENDAR', 'SUMMARY:x'))).toThrow(UnsupportedPatchVersionError);
    expect(() => patched(...patch('SUMMARY:x'))).toThrow(InvalidPatchError);
    expect(() => patched('BEGIN:VEVENT', 'UID:x', 'END:VEVENT')).toThrow(InvalidPatchError);
    expect(() => patched(...patch('PATCH-TARGET:/VCALENDAR/VEVENT', 'SUMMARY;PATCH-ACTION=SOMETIMES:x'))).toThrow(InvalidPatchError);
    expect(() => parseVpatch(OBJECT)).toThrow(InvalidPatchError);
  });
});
