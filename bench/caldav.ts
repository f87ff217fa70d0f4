// CalDAV core benchmark: PUT N events, PROPFIND Depth 1 on the calendar, GET single objects.
// Usage: npx tsx bench/caldav.ts [--events 1000] [--concurrency 8] [--url http://host:port --user U --password P]
import { benchArgs, closeConnections, httpRequest, openTarget, percentiles, report, runConcurrent, timeIt } from './lib.ts';

const args = benchArgs();
const events = Number(args.events ?? 1000);
const concurrency = Number(args.concurrency ?? 8);
const target = await openTarget(args);
const calendar = `/dav/calendars/user/${target.user}/bench-${Date.now()}/`;
const headers = { Authorization: target.auth };

async function request(method: string, path: string, body?: string, extra: Record<string, string> = {}): Promise<void> {
  const { status } = await httpRequest(target.baseUrl, method, path, { ...headers, ...extra }, body);
  if (status >= 400) throw new Error(`${method} ${path} → ${status}`);
}

function eventText(i: number): string {
  const day = new Date(Date.UTC(2026, 0, 1) + (i % 730) * 86400_000);
  const stamp = day.toISOString().slice(0, 10).replace(/-/g, '');
  const hour = String(8 + (i % 10)).padStart(2, '0');
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery bench//EN', 'BEGIN:VEVENT', `UID:bench-${i}@orrery`, 'DTSTAMP:20260101T000000Z',
    `DTSTART:${stamp}T${hour}0000Z`, `DTEND:${stamp}T${hour}3000Z`, `SUMMARY:Benchmark event ${i}`, 'DESCRIPTION:Lorem ipsum dolor sit amet', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
}

await request('PROPFIND', `/dav/calendars/user/${target.user}/`, undefined, { Depth: '0' });
// Extended MKCOL (RFC 5689) rather than MKCALENDAR, which the Workers runtime refuses.
await request('MKCOL', calendar, '<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:resourcetype><D:collection/><C:calendar/></D:resourcetype></D:prop></D:set></D:mkcol>', { 'Content-Type': 'application/xml' });
const put = await runConcurrent(events, concurrency, async (i) => {
  await request('PUT', `${calendar}e${i}.ics`, eventText(i), { 'Content-Type': 'text/calendar', 'If-None-Match': '*' });
});
report(`PUT ${events} events (c=${concurrency})`, { 'req/s': put.perSecond, ...percentiles(put.latencies) });

const propfind = '<propfind xmlns="DAV:"><prop><getetag/><getcontenttype/><resourcetype/></prop></propfind>';
const propfindTimes: number[] = [];
for (let i = 0; i < 10; i++) propfindTimes.push((await timeIt(() => request('PROPFIND', calendar, propfind, { Depth: '1' })))[1]);
report(`PROPFIND Depth 1 (${events} members)`, percentiles(propfindTimes));

const gets = Math.max(2000, events);
const get = await runConcurrent(gets, concurrency, async (i) => {
  await request('GET', `${calendar}e${(i * 7919) % events}.ics`);
});
report(`GET single object (c=${concurrency})`, { 'req/s': get.perSecond, ...percentiles(get.latencies) });

await request('DELETE', calendar);
closeConnections();
await target.close();
