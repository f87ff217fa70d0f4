// RFC 4791 §9.6 CALDAV:calendar-data request parsing: selectors, ranges, media types, and the 400 /
// supported-calendar-data answers for requests the server cannot honour.
import { describe, expect, it } from 'vitest';
import { parseCalendarDataRequest, WHOLE_OBJECT, isWholeObject } from '../../../../src/caldav/calendar-data/request.ts';
import { DavError } from '../../../../src/dav/errors.ts';
import { parseXml } from '../../../../src/dav/xml/parse.ts';

const C = 'xmlns:C="urn:ietf:params:xml:ns:caldav"';
const parse = (inner: string, attrs = '') => parseCalendarDataRequest(parseXml(`<C:calendar-data ${C} ${attrs}>${inner}</C:calendar-data>`));

function failure(run: () => unknown): DavError {
  try {
    run();
  } catch (error) {
    if (error instanceof DavError) return error;
    throw error;
  }
  throw new Error('expected a DavError');
}

describe('RFC 4791 §9.6 calendar-data attributes', () => {
  it('an absent element asks for the whole object as text/calendar', () => {
    expect(parseCalendarDataRequest(undefined)).toEqual(WHOLE_OBJECT);
    expect(isWholeObject(parse(''))).toBe(true);
  });

  it('accepts application/calendar+json (RFC 7265), application/calendar+xml (RFC 6321) and media type parameters', () => {
    expect(parse('', 'content-type="application/calendar+json"').mediaType).toBe('application/calendar+json');
    expect(parse('', 'content-type="text/calendar; charset=utf-8" version="2.0"').mediaType).toBe('text/calendar');
    expect(isWholeObject(parse('', 'content-type="application/calendar+json"'))).toBe(false);
    expect(parse('', 'content-type="application/calendar+xml"').mediaType).toBe('application/calendar+xml');
  });

  it.each([
    ['content-type="application/json"'],
    ['content-type="text/plain"'],
    ['version="1.0"'],
  ])('refuses %s with the supported-calendar-data precondition', (attrs) => {
    const error = failure(() => parse('', attrs));
    expect(error.precondition?.name).toBe('{urn:ietf:params:xml:ns:caldav}supported-calendar-data');
  });
});

describe('RFC 4791 §9.6.1–§9.6.4 comp, allcomp, prop, allprop', () => {
  it('parses the RFC 4791 §7.8.1 selector', () => {
    const request = parse(`<C:comp name="VCALENDAR"><C:prop name="VERSION"/>
      <C:comp name="VEVENT"><C:prop name="SUMMARY"/><C:prop name="UID"/><C:prop name="DTSTART"/><C:prop name="DTEND"/>
        <C:prop name="DURATION"/><C:prop name="RRULE"/><C:prop name="RDATE"/><C:prop name="EXRULE"/><C:prop name="EXDATE"/><C:prop name="RECURRENCE-ID"/></C:comp>
      <C:comp name="VTIMEZONE"/></C:comp>`);
    const root = request.comp!;
    expect(root.name).toBe('VCALENDAR');
    expect(root.props).toEqual([{ name: 'VERSION', novalue: false }]);
    expect(root.comps.map((c) => c.name)).toEqual(['VEVENT', 'VTIMEZONE']);
    expect(root.comps[0]!.props).toHaveLength(10);
    expect(root.comps[0]!.allComps).toBe(false);
    // An empty comp returns that component whole, as the RFC's example answer shows for VTIMEZONE.
    expect(root.comps[1]).toMatchObject({ allProps: true, allComps: true });
  });

  it('reads novalue="yes", allprop and allcomp, and upper-cases names', () => {
    const request = parse('<C:comp name="vcalendar"><C:allprop/><C:comp name="vevent"><C:prop name="dtstart" novalue="yes"/><C:allcomp/></C:comp></C:comp>');
    expect(request.comp).toMatchObject({ name: 'VCALENDAR', allProps: true, allComps: false });
    expect(request.comp!.comps[0]).toMatchObject({ name: 'VEVENT', props: [{ name: 'DTSTART', novalue: true }], allComps: true });
  });

  it('ignores elements of other namespaces (RFC 4918 §17 extensibility)', () => {
    const request = parse('<X:extra xmlns:X="urn:example"/><C:comp name="VCALENDAR"><X:other xmlns:X="urn:example"/><C:allprop/></C:comp>');
    expect(request.comp?.allProps).toBe(true);
  });

  it.each([
    ['<C:comp><C:allprop/></C:comp>', /needs a name/],
    ['<C:comp name="VEVENT"><C:allprop/></C:comp>', /must be VCALENDAR/],
    ['<C:comp name="VCALENDAR"><C:allprop/><C:prop name="VERSION"/></C:comp>', /allprop with CALDAV:prop/],
    ['<C:comp name="VCALENDAR"><C:allcomp/><C:comp name="VEVENT"/></C:comp>', /allcomp with CALDAV:comp/],
    ['<C:comp name="VCALENDAR"><C:prop name="X" novalue="maybe"/></C:comp>', /novalue must be/],
    ['<C:comp name="VCALENDAR"><C:prop/></C:comp>', /needs a name/],
    ['<C:comp name="VCALENDAR"><C:filter/></C:comp>', /Unexpected CALDAV:filter/],
    ['<C:comp name="VCALENDAR"/><C:comp name="VCALENDAR"/>', /at most one CALDAV:comp/],
    ['<C:prop-filter name="X"/>', /Unexpected CALDAV:prop-filter/],
  ])('answers 400 for %s', (inner, message) => {
    const error = failure(() => parse(inner));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });
});

describe('RFC 4791 §9.6.5–§9.6.7 expand, limit-recurrence-set, limit-freebusy-set', () => {
  it('reads the ranges as UTC instants', () => {
    const request = parse('<C:expand start="20060103T000000Z" end="20060105T000000Z"/><C:limit-freebusy-set start="20060102T000000Z" end="20060103T000000Z"/>');
    expect(request.expand).toEqual({ startUtcMs: Date.UTC(2006, 0, 3), endUtcMs: Date.UTC(2006, 0, 5) });
    expect(request.limitFreebusySet).toEqual({ startUtcMs: Date.UTC(2006, 0, 2), endUtcMs: Date.UTC(2006, 0, 3) });
    expect(parse('<C:limit-recurrence-set start="20060103T000000Z" end="20060105T000000Z"/>').limitRecurrenceSet?.startUtcMs).toBe(Date.UTC(2006, 0, 3));
  });

  it.each([
    ['<C:expand start="20060103T000000Z"/>', /both a start and an end/],
    ['<C:expand end="20060103T000000Z"/>', /both a start and an end/],
    ['<C:expand start="20060103" end="20060105T000000Z"/>', /not a UTC date-time/],
    ['<C:expand start="20060103T000000Z" end="20060103T000000"/>', /not a UTC date-time/],
    ['<C:expand start="20060105T000000Z" end="20060103T000000Z"/>', /later than start/],
    ['<C:expand start="20060103T000000Z" end="20060103T000000Z"/>', /later than start/],
    ['<C:expand start="20060103T000000Z" end="20060105T000000Z"/><C:limit-recurrence-set start="20060103T000000Z" end="20060105T000000Z"/>', /not both/],
    ['<C:limit-freebusy-set start="20060103T000000Z" end="20060105T000000Z"/><C:limit-freebusy-set start="20060103T000000Z" end="20060105T000000Z"/>', /at most one/],
  ])('answers 400 for %s', (inner, message) => {
    const error = failure(() => parse(inner));
    expect(error.status).toBe(400);
    expect(error.precondition).toBeUndefined();
    expect(error.message).toMatch(message);
  });
});
