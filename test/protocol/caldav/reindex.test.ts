// Reindexing stored calendar objects (`orrery reindex`): objects whose time-range rows are only a
// whole span (stored before the index listed instances, or a long series written years ago) get
// their instances listed again, without a change clients would see (same ETag, same sync state).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reindexCalendarObjects } from '../../../src/caldav/reindex.ts';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const DAY = 86_400_000;

describe('reindexing calendar objects', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
    const weekly = ics(['BEGIN:VEVENT', 'UID:weekly-sync', 'DTSTAMP:20200101T000000Z', 'DTSTART:20200106T090000Z', 'DURATION:PT30M', 'RRULE:FREQ=WEEKLY', 'END:VEVENT']);
    await t.request('PUT', `${CAL}weekly.ics`, { headers: { 'Content-Type': 'text/calendar' }, body: weekly, expect: 201 });
  });
  afterAll(() => t.close());

  const thisWeek = () => ({ startUtcMs: Date.now(), endUtcMs: Date.now() + 7 * DAY });

  it('lists the instances again where only a whole span was left, changing nothing clients see', async () => {
    const calendar = (await t.store.collections.get(CAL))!;
    const before = (await t.store.resources.getMeta(calendar.id, 'weekly.ics'))!;
    expect((await t.store.resources.candidatesInRange(calendar.id, thisWeek()))[0]?.rangeSettled).toBe(true);
    // What an object stored before the instance index looks like: one inexact row for its span.
    const wholeSpan = { uid: before.uid!, componentType: 'VEVENT', firstStart: before.firstStart, lastEnd: before.lastEnd, isRecurring: true, organizer: null };
    await t.store.resources.reindex(calendar, 'weekly.ics', before.etag, { ...wholeSpan, timeIndex: { spans: [{ start: before.firstStart, end: before.lastEnd, exact: false }] } });
    expect((await t.store.resources.candidatesInRange(calendar.id, thisWeek()))[0]?.rangeSettled).toBe(false);

    const summary = await reindexCalendarObjects(t.store, t.config, Date.now());
    expect(summary).toMatchObject({ reindexed: summary.objects, skipped: 0 });
    expect(summary.objects).toBeGreaterThanOrEqual(1);
    expect((await t.store.resources.candidatesInRange(calendar.id, thisWeek()))[0]?.rangeSettled).toBe(true);
    const after = (await t.store.resources.getMeta(calendar.id, 'weekly.ics'))!;
    expect([after.etag, after.modseq]).toEqual([before.etag, before.modseq]);
    expect((await t.store.collections.get(CAL))!.modseq).toBe(calendar.modseq);
  });

  it('leaves an object alone when it changed while it was being read', async () => {
    const calendar = (await t.store.collections.get(CAL))!;
    const meta = (await t.store.resources.getMeta(calendar.id, 'weekly.ics'))!;
    const index = { uid: meta.uid!, componentType: 'VEVENT', firstStart: 0, lastEnd: 1, isRecurring: true, organizer: null, timeIndex: { spans: [] } };
    expect(await t.store.resources.reindex(calendar, 'weekly.ics', '"an older etag"', index)).toBe(false);
    expect((await t.store.resources.getMeta(calendar.id, 'weekly.ics'))!.firstStart).toBe(meta.firstStart);
  });

  it('runs from the command line', () => {
    const result = spawnSync(process.execPath, ['bin/orrery.js', 'reindex', '--db', t.dbUrl], {
      cwd: join(import.meta.dirname, '../../..'),
      encoding: 'utf8',
      env: { ...process.env, ORRERY_CONFIG: '' },
      timeout: 120_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Reindexed 1 of 1 calendar objects\n$/);
    expect(result.status).toBe(0);
  }, 120_000);
});
