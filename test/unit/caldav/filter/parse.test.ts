// CALDAV:filter parsing (RFC 4791 §9.7–§9.9) and the preconditions a bad filter violates (§7.8).
import { describe, expect, it } from 'vitest';
import { FilterError, parseCalendarFilter, type FilterErrorKind } from '../../../../src/caldav/filter/parse.ts';
import { utc } from '../../ical/fixtures.ts';
import { filter, filterElement } from './filter-xml.ts';

describe('RFC 4791 §9.7 filters parse into the AST', () => {
  it('§7.8.1: VEVENT with a time-range', () => {
    expect(filter(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
      <C:time-range start="20060104T000000Z" end="20060105T000000Z"/></C:comp-filter></C:comp-filter>`)).toEqual({
      root: {
        name: 'VCALENDAR', isNotDefined: false, test: 'allof', propFilters: [],
        compFilters: [{
          name: 'VEVENT', isNotDefined: false, test: 'allof', propFilters: [], compFilters: [],
          timeRange: { startUtcMs: utc('20060104T000000Z'), endUtcMs: utc('20060105T000000Z') },
        }],
      },
    });
  });

  it('§7.8.7: prop-filter with text-match and param-filter', () => {
    const parsed = filter(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
      <C:prop-filter name="ATTENDEE">
        <C:text-match collation="i;ascii-casemap">mailto:lisa@example.com</C:text-match>
        <C:param-filter name="PARTSTAT"><C:text-match collation="i;ascii-casemap">NEEDS-ACTION</C:text-match></C:param-filter>
      </C:prop-filter></C:comp-filter></C:comp-filter>`);
    expect(parsed.root.compFilters[0]?.propFilters).toEqual([{
      name: 'ATTENDEE', isNotDefined: false, test: 'allof',
      textMatch: { text: 'mailto:lisa@example.com', collation: 'i;ascii-casemap', matchType: 'contains', negate: false },
      paramFilters: [{ name: 'PARTSTAT', isNotDefined: false, textMatch: { text: 'NEEDS-ACTION', collation: 'i;ascii-casemap', matchType: 'contains', negate: false } }],
    }]);
  });

  it('§7.8.9: is-not-defined and negate-condition', () => {
    const todo = filter(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO">
      <C:prop-filter name="COMPLETED"><C:is-not-defined/></C:prop-filter>
      <C:prop-filter name="STATUS"><C:text-match negate-condition="yes">CANCELLED</C:text-match></C:prop-filter>
      </C:comp-filter></C:comp-filter>`).root.compFilters[0]!;
    expect(todo.propFilters.map((p) => [p.name, p.isNotDefined, p.textMatch?.negate])).toEqual([['COMPLETED', true, undefined], ['STATUS', false, true]]);
  });

  it('Cyrus extensions: test="anyof", match-type, name="*", open-ended time-range', () => {
    const parsed = filter(`<C:comp-filter name="VCALENDAR" test="anyof"><C:comp-filter name="*">
      <C:time-range start="20060104T000000Z"/>
      <C:prop-filter name="SUMMARY" test="anyof"><C:text-match match-type="starts-with" collation="i;unicode-casemap">Év</C:text-match></C:prop-filter>
      </C:comp-filter></C:comp-filter>`);
    const any = parsed.root.compFilters[0]!;
    expect([parsed.root.test, any.name, any.timeRange, any.propFilters[0]?.test, any.propFilters[0]?.textMatch?.matchType]).toEqual([
      'anyof', '*', { startUtcMs: utc('20060104T000000Z') }, 'anyof', 'starts-with',
    ]);
  });

  it('ignores elements of other namespaces and upper-cases names', () => {
    const parsed = filter(`<C:comp-filter name="vcalendar"><X:hint/><C:comp-filter name="vtodo"/></C:comp-filter>`);
    expect([parsed.root.name, parsed.root.compFilters.map((c) => c.name)]).toEqual(['VCALENDAR', ['VTODO']]);
  });
});

describe('RFC 4791 §7.8 preconditions for bad filters', () => {
  const cases: [label: string, body: string, kind: FilterErrorKind][] = [
    ['two top-level comp-filters', '<C:comp-filter name="VCALENDAR"/><C:comp-filter name="VCALENDAR"/>', 'valid-filter'],
    ['no comp-filter', '', 'valid-filter'],
    ['a top-level comp-filter other than VCALENDAR', '<C:comp-filter name="VEVENT"/>', 'valid-filter'],
    ['a top-level wildcard', '<C:comp-filter name="*"/>', 'valid-filter'],
    ['VEVENT nested in VTODO', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"><C:comp-filter name="VEVENT"/></C:comp-filter></C:comp-filter>', 'valid-filter'],
    ['VCALENDAR nested', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VCALENDAR"/></C:comp-filter>', 'valid-filter'],
    ['a comp-filter without name', '<C:comp-filter name="VCALENDAR"><C:comp-filter/></C:comp-filter>', 'valid-filter'],
    ['time-range without start and end', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range/></C:comp-filter></C:comp-filter>', 'valid-filter'],
    ['time-range with a local date-time', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20060104T000000"/></C:comp-filter></C:comp-filter>', 'valid-filter'],
    ['time-range with an impossible date', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20060231T000000Z"/></C:comp-filter></C:comp-filter>', 'valid-filter'],
    ['time-range ending before it starts', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20060105T000000Z" end="20060104T000000Z"/></C:comp-filter></C:comp-filter>', 'valid-filter'],
    ['two time-ranges', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20060104T000000Z"/><C:time-range end="20060105T000000Z"/></C:comp-filter></C:comp-filter>', 'valid-filter'],
    ['is-not-defined with a time-range', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:is-not-defined/><C:time-range start="20060104T000000Z"/></C:comp-filter></C:comp-filter>', 'valid-filter'],
    ['time-range on SUMMARY (the §7.8 example)', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:time-range start="20060104T000000Z"/></C:prop-filter></C:comp-filter></C:comp-filter>', 'valid-filter'],
    ['an unknown CalDAV element', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:text-match>x</C:text-match></C:comp-filter></C:comp-filter>', 'valid-filter'],
    ['negate-condition other than yes or no', '<C:comp-filter name="VCALENDAR"><C:prop-filter name="PRODID"><C:text-match negate-condition="maybe">x</C:text-match></C:prop-filter></C:comp-filter>', 'valid-filter'],
    ['test other than anyof or allof', '<C:comp-filter name="VCALENDAR" test="xor"/>', 'valid-filter'],
    ['param-filter with two text-matches', '<C:comp-filter name="VCALENDAR"><C:prop-filter name="PRODID"><C:param-filter name="X"><C:text-match>a</C:text-match><C:text-match>b</C:text-match></C:param-filter></C:prop-filter></C:comp-filter>', 'valid-filter'],
    ['time-range on VCALENDAR (§9.9 defines none)', '<C:comp-filter name="VCALENDAR"><C:time-range start="20060104T000000Z"/></C:comp-filter>', 'supported-filter'],
    ['time-range on VTIMEZONE', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTIMEZONE"><C:time-range start="20060104T000000Z"/></C:comp-filter></C:comp-filter>', 'supported-filter'],
    ['time-range together with text-match', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="DTSTART"><C:time-range start="20060104T000000Z"/><C:text-match>2006</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>', 'supported-filter'],
    ['an unknown match-type', '<C:comp-filter name="VCALENDAR"><C:prop-filter name="PRODID"><C:text-match match-type="regex">x</C:text-match></C:prop-filter></C:comp-filter>', 'supported-filter'],
    ['an unknown collation', '<C:comp-filter name="VCALENDAR"><C:prop-filter name="PRODID"><C:text-match collation="i;basic">x</C:text-match></C:prop-filter></C:comp-filter>', 'supported-collation'],
    ['a wildcard collation (RFC 4791 §7.5)', '<C:comp-filter name="VCALENDAR"><C:prop-filter name="PRODID"><C:text-match collation="i;*">x</C:text-match></C:prop-filter></C:comp-filter>', 'supported-collation'],
  ];
  for (const [label, body, kind] of cases) {
    it(`${kind}: ${label}`, () => {
      let error: unknown;
      try {
        filter(body);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(FilterError);
      expect((error as FilterError).kind).toBe(kind);
      expect((error as FilterError).message.length).toBeGreaterThan(10);
    });
  }

  it('valid-filter: an element other than CALDAV:filter', () => {
    const element = filterElement('<C:comp-filter name="VCALENDAR"/>');
    expect(() => parseCalendarFilter({ ...element, name: '{DAV:}filter' })).toThrow(FilterError);
  });
});
