// Bounds on nesting and size, and the required parts of a VTIMEZONE (RFC 5545 §3.6.5), on jCal.
import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { checkStructure, checkTimezones, MAX_COMPONENT_DEPTH, MAX_COMPONENTS, MAX_PROPERTIES } from '../../../src/ical/structure.ts';

type J = [string, unknown[][], J[]];
const component = (name: string, children: J[] = [], properties: unknown[][] = []): J => [name, properties, children];

function nested(levels: number): J {
  let inner = component('x-n');
  for (let i = 1; i < levels; i++) inner = component('x-n', [inner]);
  return inner;
}

describe('checkStructure', () => {
  it(`accepts ${MAX_COMPONENT_DEPTH} levels below VCALENDAR and refuses one more`, () => {
    expect(() => checkStructure(component('vcalendar', [nested(MAX_COMPONENT_DEPTH)]))).not.toThrow();
    expect(() => checkStructure(component('vcalendar', [nested(MAX_COMPONENT_DEPTH + 1)]))).toThrow(/nested more than 16 levels/);
  });

  it('walks any depth without exhausting the stack', () => {
    expect(() => checkStructure(component('vcalendar', [nested(200_000)]))).toThrow(/at most 16/);
  });

  it('bounds the number of components and of properties', () => {
    const siblings = Array.from({ length: MAX_COMPONENTS }, () => component('x-n'));
    expect(() => checkStructure(component('vcalendar', siblings))).toThrow(`more than ${MAX_COMPONENTS} components`);
    expect(() => checkStructure(component('vcalendar', siblings.slice(1)))).not.toThrow();
    const properties = Array.from({ length: MAX_PROPERTIES + 1 }, () => ['x-p', {}, 'text', '']);
    expect(() => checkStructure(component('vcalendar', [], properties))).toThrow(`more than ${MAX_PROPERTIES} properties`);
  });

  it('refuses jCal that is not made of components and properties', () => {
    expect(() => checkStructure(['vcalendar', [], [['vevent', []]]])).toThrow(/not a \[name, properties, components\]/);
    expect(() => checkStructure(['vcalendar', [null], []])).toThrow(/not a \[name, parameters, type, value\]/);
    expect(() => checkStructure('vcalendar')).toThrow();
  });
});

describe('checkTimezones', () => {
  const parse = (lines: string[]) => ICAL.parse(['BEGIN:VCALENDAR', ...lines, 'END:VCALENDAR', ''].join('\r\n'));
  const STANDARD = ['BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0100', 'END:STANDARD'];

  it('accepts a complete VTIMEZONE', () => {
    expect(() => checkTimezones(parse(['BEGIN:VTIMEZONE', 'TZID:Custom', ...STANDARD, 'BEGIN:DAYLIGHT', ...STANDARD.slice(1, -1), 'END:DAYLIGHT', 'END:VTIMEZONE']))).not.toThrow();
  });

  it('refuses a VTIMEZONE without TZID, without observances, or with an incomplete observance', () => {
    expect(() => checkTimezones(parse(['BEGIN:VTIMEZONE', ...STANDARD, 'END:VTIMEZONE']))).toThrow('has no TZID');
    expect(() => checkTimezones(parse(['BEGIN:VTIMEZONE', 'TZID:', ...STANDARD, 'END:VTIMEZONE']))).toThrow('has no TZID');
    expect(() => checkTimezones(parse(['BEGIN:VTIMEZONE', 'TZID:Custom', 'END:VTIMEZONE']))).toThrow('VTIMEZONE Custom has no STANDARD or DAYLIGHT');
    for (const missing of ['DTSTART', 'TZOFFSETFROM', 'TZOFFSETTO']) {
      const observance = STANDARD.filter((line) => !line.startsWith(`${missing}:`));
      expect(() => checkTimezones(parse(['BEGIN:VTIMEZONE', 'TZID:Custom', ...observance, 'END:VTIMEZONE']))).toThrow(`STANDARD component of VTIMEZONE Custom has no ${missing}`);
    }
  });
});
