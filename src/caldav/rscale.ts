// RFC 7529 §5 in CalDAV: the CALDAV:supported-rscale-set property and the CALDAV:supported-rscale
// precondition of a write whose recurrence rule names a calendar scale this server cannot evaluate.
import { conditionError } from '../dav/errors.ts';
import { el, type XmlElement } from '../dav/xml/element.ts';
import { caldav } from '../dav/xml/names.ts';
import type { ICAL } from '../ical/parse.ts';
import { supportedScaleNames } from '../ical/rscale/calendar-scale.ts';
import { rscaleProblemOf } from '../ical/rscale/recur.ts';

/** Refuses components whose RRULE or EXRULE cannot be evaluated: an unknown RSCALE gets 403 CALDAV:supported-rscale. */
export function checkRscale(components: ICAL.Component[]): void {
  for (const component of components) {
    const problem = rscaleProblemOf(component);
    if (!problem) continue;
    const message = `${component.name.toUpperCase()} RRULE: ${problem.message}`;
    if (problem.unsupportedScale) throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}supported-rscale' }, message);
    throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, message);
  }
}

/** The supported-rscale-set value: each scale the runtime's calendars can evaluate (RFC 7529 §5.1). */
export function supportedRscaleSet(): XmlElement[] {
  return supportedScaleNames().map((name) => el(caldav('supported-rscale'), name));
}
