// RFC 5545 §3.3.10 (and RFC 7529) recurrence rule grammar: each broken rule names its broken part.
import { describe, expect, it } from 'vitest';
import { recurProblem } from '../../../src/ical/rrule-grammar.ts';

describe('valid rules', () => {
  it.each([
    'FREQ=DAILY',
    'FREQ=DAILY;COUNT=10',
    'freq=daily;count=10',
    'COUNT=10;FREQ=DAILY',
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;WKST=SU;UNTIL=20261231T235959Z',
    'FREQ=MONTHLY;BYDAY=-1FR',
    'FREQ=MONTHLY;BYDAY=+2TU,-1SU',
    'FREQ=MONTHLY;BYMONTHDAY=-1,15,31',
    'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
    'FREQ=YEARLY;BYYEARDAY=1,-1,366',
    'FREQ=YEARLY;BYWEEKNO=1,-53;BYDAY=MO',
    'FREQ=YEARLY;BYDAY=20MO',
    'FREQ=DAILY;BYHOUR=0,23;BYMINUTE=0,59;BYSECOND=0,60',
    'FREQ=HOURLY;INTERVAL=007',
    'RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=5L;SKIP=FORWARD',
    'RSCALE=GREGORIAN;FREQ=YEARLY;SKIP=OMIT',
    'FREQ=DAILY;X-OUTLOOK-THING=1',
  ])('%s', (rule) => expect(recurProblem(rule, { dtstartType: 'DATE-TIME' })).toBeUndefined());

  it('a DATE UNTIL goes with a DATE DTSTART; without DTSTART either type is accepted', () => {
    expect(recurProblem('FREQ=DAILY;UNTIL=20260310', { dtstartType: 'DATE' })).toBeUndefined();
    expect(recurProblem('FREQ=DAILY;UNTIL=20260310')).toBeUndefined();
    expect(recurProblem('FREQ=DAILY;UNTIL=20260310T000000Z')).toBeUndefined();
  });
});

describe('invalid rules', () => {
  it.each([
    ['', 'empty'],
    [';;;;', 'empty rule part'],
    ['FREQ=DAILY;', 'empty rule part'],
    [';FREQ=DAILY', 'empty rule part'],
    ['FREQ', 'not NAME=VALUE'],
    ['=DAILY', 'not NAME=VALUE'],
    ['COUNT=5', 'no FREQ'],
    ['FREQ=DAILY;FREQ=WEEKLY', 'FREQ appears more than once'],
    ['FREQ=DAILY;count=2;COUNT=3', 'COUNT appears more than once'],
    ['FREQ=FORTNIGHTLY', 'FREQ=FORTNIGHTLY'],
    ['FREQ=DAILY;INTERVAL=0', 'INTERVAL=0'],
    ['FREQ=DAILY;INTERVAL=-1', 'INTERVAL=-1'],
    ['FREQ=DAILY;INTERVAL=1.5', 'INTERVAL=1.5'],
    ['FREQ=DAILY;COUNT=0', 'COUNT=0'],
    ['FREQ=DAILY;COUNT=', 'COUNT has no value'],
    ['FREQ=DAILY;COUNT=2;UNTIL=20260310T000000Z', 'COUNT and UNTIL'],
    ['FREQ=DAILY;UNTIL=20261310T000000Z', 'month 13'],
    ['FREQ=DAILY;UNTIL=2026', 'UNTIL=2026'],
    ['FREQ=DAILY;BYSECOND=61', 'BYSECOND'],
    ['FREQ=DAILY;BYMINUTE=60', 'BYMINUTE'],
    ['FREQ=DAILY;BYHOUR=24', 'BYHOUR'],
    ['FREQ=DAILY;BYHOUR=-1', 'BYHOUR'],
    ['FREQ=WEEKLY;BYDAY=XX', 'BYDAY'],
    ['FREQ=WEEKLY;BYDAY=1MO', 'MONTHLY or FREQ=YEARLY'],
    ['FREQ=MONTHLY;BYDAY=0MO', '1 to 53'],
    ['FREQ=YEARLY;BYDAY=54MO', '1 to 53'],
    ['FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO', 'BYWEEKNO'],
    ['FREQ=WEEKLY;BYMONTHDAY=1', 'FREQ=WEEKLY'],
    ['FREQ=MONTHLY;BYMONTHDAY=32', 'BYMONTHDAY'],
    ['FREQ=MONTHLY;BYMONTHDAY=0', 'BYMONTHDAY'],
    ['FREQ=DAILY;BYYEARDAY=1', 'BYYEARDAY'],
    ['FREQ=MONTHLY;BYYEARDAY=1', 'BYYEARDAY'],
    ['FREQ=YEARLY;BYYEARDAY=367', 'BYYEARDAY'],
    ['FREQ=MONTHLY;BYWEEKNO=1', 'only allowed when FREQ=YEARLY'],
    ['FREQ=YEARLY;BYWEEKNO=54', 'BYWEEKNO'],
    ['FREQ=YEARLY;BYMONTH=0', 'BYMONTH'],
    ['FREQ=YEARLY;BYMONTH=13', 'BYMONTH'],
    ['FREQ=YEARLY;BYMONTH=5L', 'needs RSCALE'],
    ['FREQ=MONTHLY;BYSETPOS=1', 'BYSETPOS needs another'],
    ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0', 'BYSETPOS'],
    ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=367', 'BYSETPOS'],
    ['FREQ=WEEKLY;WKST=XX', 'WKST'],
    ['FREQ=WEEKLY;BYDAY=MO,,TU', 'empty item'],
    ['FREQ=WEEKLY;BYDAY=MO,', 'empty item'],
    ['FREQ=DAILY;SKIP=OMIT', 'only allowed together with RSCALE'],
    ['RSCALE=CHINESE;FREQ=YEARLY;SKIP=SOMETIMES', 'SKIP'],
    ['FREQ=DAILY;FREQUENCY=2', 'FREQUENCY is not defined'],
  ])('%s', (rule, reason) => expect(recurProblem(rule, { dtstartType: 'DATE-TIME' })).toContain(reason));

  it('UNTIL must have the value type of DTSTART', () => {
    expect(recurProblem('FREQ=DAILY;UNTIL=20260310', { dtstartType: 'DATE-TIME' })).toContain('same value type');
    expect(recurProblem('FREQ=DAILY;UNTIL=20260310T000000Z', { dtstartType: 'DATE' })).toContain('same value type');
  });
});
