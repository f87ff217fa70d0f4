// RFC 5545 §3.3 grammar and range of the time value types, as written in iCalendar text.
import { describe, expect, it } from 'vitest';
import { dateProblem, dateTimeProblem, durationProblem, periodProblem, utcOffsetProblem, valueProblem } from '../../../src/ical/values.ts';

describe('§3.3.4 DATE', () => {
  it.each(['20260301', '20280229', '20000229', '00010101', '99991231'])('accepts %s', (value) => expect(dateProblem(value)).toBeUndefined());

  it.each([
    ['2026', 'YYYYMMDD'], ['', 'YYYYMMDD'], ['2026-03-01', 'YYYYMMDD'], ['20260301T100000Z', 'YYYYMMDD'],
    ['20261301', 'month 13'], ['20260001', 'month 00'], ['20260100', 'day 00'], ['20260431', 'day 31'],
    ['20270229', '2027-02 (it has 28 days)'], ['21000229', '2100-02 (it has 28 days)'],
  ])('refuses %s', (value, reason) => expect(dateProblem(value)).toContain(reason));
});

describe('§3.3.5 DATE-TIME', () => {
  it.each(['20260301T100000', '20260301T100000Z', '20261231T235960Z', '20260301T000000Z'])('accepts %s', (value) => expect(dateTimeProblem(value)).toBeUndefined());

  it.each([
    ['2026', 'YYYYMMDDTHHMMSS'], ['', 'YYYYMMDDTHHMMSS'], ['$now.year.1:0101T180000', 'YYYYMMDDTHHMMSS'], ['20260301', 'YYYYMMDDTHHMMSS'],
    ['20260301T1000Z', 'YYYYMMDDTHHMMSS'], ['20260301t100000z', 'YYYYMMDDTHHMMSS'], ['20260301T100000ZZ', 'YYYYMMDDTHHMMSS'],
    ['20260301T100000+0200', 'numeric UTC offset'], ['20260301T100000-05', 'numeric UTC offset'],
    ['20261399T256199Z', 'month 13'], ['20260230T100000Z', 'day 30'], ['20260301T240000Z', 'hour 24'],
    ['20260301T106000Z', 'minute 60'], ['20260301T100061Z', 'second 61'],
  ])('refuses %s', (value, reason) => expect(dateTimeProblem(value)).toContain(reason));
});

describe('§3.3.6 DURATION', () => {
  it.each(['P1D', 'PT1H', 'PT1H30M', '-PT15M', '+P2W', 'P1DT2H3M4S', 'PT0S', 'P1DT', 'P1W2D', 'PT1H15S'])('accepts %s', (value) => expect(durationProblem(value)).toBeUndefined());
  it.each(['', 'P', 'PT', 'T1H', '1H', 'P1X', 'PT1X', 'P1Y', 'P-1D', 'PT1.5H', 'P1H'])('refuses "%s"', (value) => expect(durationProblem(value)).toBeDefined());
});

describe('§3.3.9 PERIOD', () => {
  it.each(['20260301T100000Z/20260301T110000Z', '20260301T100000Z/PT1H', '20260301T100000/P1D'])('accepts %s', (value) => expect(periodProblem(value)).toBeUndefined());

  it.each([
    ['20260301T100000Z', '"/"'], ['20260301/PT1H', 'start "20260301"'], ['20260301T100000Z/PT1X', 'end "PT1X"'],
    ['20260301T100000Z/20260332T000000Z', 'end "20260332T000000Z"'], ['/PT1H', 'start ""'],
  ])('refuses %s', (value, reason) => expect(periodProblem(value)).toContain(reason));
});

describe('§3.3.14 UTC-OFFSET', () => {
  it.each(['+0100', '-0500', '+0000', '-0000', '+053228', '+2359'])('accepts %s', (value) => expect(utcOffsetProblem(value)).toBeUndefined());
  it.each([['0100', 'written'], ['+01:00', 'written'], ['+1', 'written'], ['', 'written'], ['+2400', 'hour 24'], ['+0160', 'minute 60'], ['+010060', 'second 60']])(
    'refuses "%s"',
    (value, reason) => expect(utcOffsetProblem(value)).toContain(reason),
  );
});

it('valueProblem dispatches by type', () => {
  expect(valueProblem('DATE', '20260301')).toBeUndefined();
  expect(valueProblem('DATE-TIME', '20260301')).toBeDefined();
  expect(valueProblem('PERIOD', '20260301T100000Z/PT1H')).toBeUndefined();
  expect(valueProblem('DURATION', 'PT1H')).toBeUndefined();
  expect(valueProblem('UTC-OFFSET', '+0100')).toBeUndefined();
});
