// PATCH of calendar object resources with VPATCH documents (draft-daboo-icalendar-vpatch §13),
// as Cyrus offers it. The patch is applied here; validation is the calendar content policy's, as
// for PUT. Patch errors map to RFC 5789 §2.2 statuses with the CalDAV precondition that fits.
import { DavError, conditionError } from '../dav/errors.ts';
import type { PatchFormat } from '../dav/patch-format.ts';
import { mediaType, mediaTypeParameter } from '../http/body.ts';
import { InvalidICalendarError, parseICalendar } from '../ical/parse.ts';
import { applyVpatch, InvalidPatchError, parseVpatch, PatchConflictError, UnsupportedPatchVersionError, VPATCH_MEDIA_TYPE } from '../ical/vpatch.ts';

export const VPATCH_FORMAT: PatchFormat = {
  acceptPatch: VPATCH_MEDIA_TYPE,
  accepts(contentType) {
    // Cyrus takes any text/calendar body and looks for the VPATCH inside; a component parameter
    // naming something else is a different document, though.
    if (mediaType(contentType) !== 'text/calendar') return false;
    const component = mediaTypeParameter(contentType, 'component');
    return component === undefined || component.toUpperCase() === 'VPATCH';
  },
  async apply(ctx, current, patch) {
    const vcalendar = parseICalendar(typeof current.data === 'string' ? current.data : new TextDecoder().decode(current.data));
    const before = vcalendar.toString();
    try {
      applyVpatch(vcalendar, parseVpatch(decodeUtf8(patch)), { nowUtcMs: ctx.deps.now(), maxInstances: ctx.deps.config.caldav_max_instances });
    } catch (error) {
      throw patchError(error);
    }
    const after = vcalendar.toString();
    return after === before ? null : new TextEncoder().encode(after);
  },
};

// --- Internal helpers ---

function patchError(error: unknown): unknown {
  if (error instanceof InvalidPatchError || error instanceof InvalidICalendarError) {
    return new DavError(400, { name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, `Malformed VPATCH document: ${error.message}`);
  }
  if (error instanceof UnsupportedPatchVersionError) {
    const refusal = conditionError({ name: '{urn:ietf:params:xml:ns:caldav}supported-calendar-data' }, error.message);
    return new DavError(415, refusal.precondition, refusal.message, { 'Accept-Patch': VPATCH_MEDIA_TYPE });
  }
  // RFC 5789 §2.2 "Conflicting state": the patch assumes an instance the object does not have. The
  // condition is the one a PUT of the result would break: an override of no instance of the series.
  if (error instanceof PatchConflictError) return new DavError(409, { name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-object-resource' }, error.message);
  return error;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DavError(400, { name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, 'A VPATCH document must be UTF-8 (RFC 5545 §3.1.4)');
  }
}
