// Whose word a PARTSTAT is (RFC 5545 §3.2.12, RFC 5546 §3.2.3): an attendee's participation status
// is that attendee's answer, given in a REPLY. The organizer's client may reset it to NEEDS-ACTION
// (a new invitation, or an event moved to another time) but cannot answer for the attendee: an
// organizer's write that says an attendee ACCEPTED, when that attendee never said so, would reach
// the attendee's own copy as if they had. CalendarServer enforces the same rule; Cyrus does not.
import { ICAL } from '../../ical/parse.ts';
import { addDuration, resolveProperty, tzidOf, zoneContext } from '../../ical/zones.ts';
import { sameSchedule } from './classify.ts';
import { deriveOverride } from '../../ical/override.ts';
import { fingerprint } from './clean.ts';
import { MASTER, componentsByKey, exdates, findAttendee, partstat, propertyAddress, scheduleAgent } from './model.ts';

/**
 * Brings the PARTSTATs of the attendees the server schedules for back to what they answered in
 * `previous` (NEEDS-ACTION for a new event, a new attendee or a new instance), and resets them to
 * NEEDS-ACTION on instances whose time the write changes. Only users of this server (`local`)
 * answer through it alone: someone elsewhere may answer by e-mail, which the organizer's client
 * records itself, so their PARTSTAT is only reset, never held back. The organizer's own ATTENDEE
 * is left alone. When the write sends the attendees news, every one left at NEEDS-ACTION gets RSVP=TRUE:
 * the invitation expects an answer.
 * Returns whether `next` was changed.
 */
export function coerceAttendeeAnswers(previous: ICAL.Component | null, next: ICAL.Component, self: ReadonlySet<string>, local: ReadonlySet<string>): boolean {
  const before = componentsByKey(previous);
  const after = componentsByKey(next);
  // Only an invitation or an update the attendees are sent asks them to answer (RSVP=TRUE).
  const sendsNews = previous === null || before.size !== after.size
    || [...after].some(([key, component]) => !before.has(key) || fingerprint(before.get(key)!) !== fingerprint(component));
  let changed = false;
  for (const [key, component] of after) {
    const old = before.get(key) ?? (key === MASTER ? undefined : before.get(MASTER));
    const moved = previous !== null && old !== undefined && !sameTimes(old, previous, component, next, key !== MASTER && !before.has(key));
    for (const attendee of component.getAllProperties('attendee')) {
      const address = propertyAddress(attendee);
      if (address === '' || self.has(address) || scheduleAgent(attendee) !== 'SERVER') continue;
      const sent = partstat(attendee);
      const answered = moved ? 'NEEDS-ACTION' : partstat(old ? findAttendee(old, address) : undefined);
      // NEEDS-ACTION from the organizer stands (an invitation, or asking again).
      const wanted = sent === 'NEEDS-ACTION' || (!moved && !local.has(address)) ? sent : answered;
      if (wanted !== sent) {
        attendee.setParameter('partstat', wanted);
        changed = true;
      }
      // Whoever the server invites is asked to answer.
      if (wanted === 'NEEDS-ACTION' && (sendsNews || wanted !== sent) && String(attendee.getParameter('rsvp') ?? '').toUpperCase() !== 'TRUE') {
        attendee.setParameter('rsvp', 'TRUE');
        changed = true;
      }
    }
  }
  return changed;
}

/**
 * Whether an instance keeps its start and end (and a master its recurrence rule's presence). A new
 * override is compared with the instance of the old master it replaces: its RECURRENCE-ID is where
 * that instance started, and the master's length is how long it lasted.
 */
function sameTimes(old: ICAL.Component, oldCalendar: ICAL.Component, component: ICAL.Component, calendar: ICAL.Component, fromMaster: boolean): boolean {
  if (!fromMaster && old.hasProperty('rrule') !== component.hasProperty('rrule')) return false;
  const before = span(old, oldCalendar);
  const after = span(component, calendar);
  if (!before || !after) return before === after;
  if (!fromMaster) return before.start === after.start && before.end === after.end;
  const rid = resolveProperty(component, 'recurrence-id', zoneContext(calendar));
  return rid !== undefined && after.start === rid.utcMs && after.end - after.start === before.end - before.start;
}

function span(component: ICAL.Component, vcalendar: ICAL.Component): { start: number; end: number } | null {
  const ctx = zoneContext(vcalendar);
  const end = resolveProperty(component, component.name === 'vtodo' ? 'due' : 'dtend', ctx);
  // A to-do may have a due time and no start.
  const start = resolveProperty(component, 'dtstart', ctx) ?? end;
  if (!start) return null;
  if (end) return { start: start.utcMs, end: end.utcMs };
  const duration = component.getFirstPropertyValue('duration');
  return { start: start.utcMs, end: duration instanceof ICAL.Duration ? addDuration(start, duration) : start.utcMs };
}

/**
 * An attendee's client that writes the master only (a copy older than the overrides the server
 * added for other attendees' answers) answers for the whole series: the overrides the server puts
 * back (`restored`, by instance key) take the attendee's new answer on the master where they held
 * the old one, and the master's transparency with it. Returns whether `next` was changed.
 */
export function answerRestoredOverrides(previous: ICAL.Component, next: ICAL.Component, restored: ReadonlySet<string>, self: string): boolean {
  const after = componentsByKey(next);
  const oldMaster = componentsByKey(previous).get(MASTER);
  const newMaster = after.get(MASTER);
  if (!oldMaster || !newMaster) return false;
  const was = partstat(findAttendee(oldMaster, self));
  const now = partstat(findAttendee(newMaster, self));
  if (was === now) return false;
  let changed = false;
  for (const key of restored) {
    const override = after.get(key);
    const mine = override ? findAttendee(override, self) : undefined;
    if (!override || !mine || partstat(mine) !== was) continue;
    mine.setParameter('partstat', now);
    mine.removeParameter('rsvp');
    override.removeAllProperties('transp');
    const transp = newMaster.getFirstPropertyValue('transp');
    if (typeof transp === 'string') override.addPropertyWithValue('transp', transp);
    changed = true;
  }
  return changed;
}

/**
 * RFC 6638 §3.2.10: an organizer's client that writes with If-Schedule-Tag-Match may not have seen
 * the overrides the server cut from the master to hold an attendee's answer for one instance
 * (applyReply). When such a write leaves one out while keeping the series as it was, the instance
 * is cut again from the new master with the answers it held, instead of losing them. Returns
 * whether `next` was changed.
 */
export function keepAnswerOverrides(previous: ICAL.Component, next: ICAL.Component, self: ReadonlySet<string>): boolean {
  const before = componentsByKey(previous);
  const after = componentsByKey(next);
  const oldMaster = before.get(MASTER);
  const newMaster = after.get(MASTER);
  if (!oldMaster || !newMaster || !sameSchedule(oldMaster, previous, newMaster, next)) return false;
  const excluded = exdates(newMaster, next);
  let changed = false;
  for (const [key, override] of before) {
    if (key === MASTER || after.has(key) || excluded.has(key)) continue;
    // Only an instance left where the master puts it, whose attendees answered otherwise than for the series.
    if (!sameTimes(oldMaster, previous, override, previous, true)) continue;
    const answers = override.getAllProperties('attendee').filter((attendee) => {
      const address = propertyAddress(attendee);
      return address !== '' && !self.has(address) && partstat(attendee) !== partstat(findAttendee(oldMaster, address));
    });
    if (answers.length === 0) continue;
    const rid = override.getFirstProperty('recurrence-id')!;
    const copy = deriveOverride(newMaster, { time: rid.getFirstValue() as ICAL.Time, tzid: tzidOf(rid) });
    for (const answer of answers) {
      const target = findAttendee(copy, propertyAddress(answer));
      if (!target) continue;
      target.setParameter('partstat', partstat(answer));
      target.removeParameter('rsvp');
    }
    next.addSubcomponent(copy);
    changed = true;
  }
  return changed;
}

/**
 * SCHEDULE-STATUS on the ORGANIZER of an attendee's copy is the server's record of how the
 * attendee's last reply was delivered (RFC 6638 §7.3). A client that writes the copy back without
 * it has not undone that delivery, so the stored status stays. Returns whether `next` was changed.
 */
export function keepReplyStatuses(previous: ICAL.Component, next: ICAL.Component): boolean {
  const before = componentsByKey(previous);
  let changed = false;
  for (const [key, component] of componentsByKey(next)) {
    const organizer = component.getFirstProperty('organizer');
    if (!organizer || organizer.getParameter('schedule-status') !== undefined) continue;
    const status = (before.get(key) ?? before.get(MASTER))?.getFirstProperty('organizer')?.getParameter('schedule-status');
    if (typeof status !== 'string') continue;
    organizer.setParameter('schedule-status', status);
    changed = true;
  }
  return changed;
}
