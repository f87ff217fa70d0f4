// The TZDist "capabilities" action (RFC 7808 §5.1): data source, formats, truncation support and
// the URI template of every action, relative to the service's context path.
import { TZ_DATA_DIGEST, TZ_DATA_RELEASED, TZ_DATA_VERSION, TZ_OUTPUT_REVISION } from '../tz/catalogue.ts';
import { ZONE_FORMATS } from './formats.ts';
import { cacheHeaders, notModifiedResponse, type Validators } from './http-cache.ts';

interface Parameter {
  name: string;
  required: boolean;
  multi: boolean;
}

const optional = (name: string): Parameter => ({ name, required: false, multi: false });
const required = (name: string): Parameter => ({ name, required: true, multi: false });

export const CAPABILITIES = {
  version: 1,
  info: {
    'primary-source': TZ_DATA_VERSION,
    formats: [...ZONE_FORMATS],
    // get truncates at any instant, and also serves the full data.
    truncated: { any: true, untruncated: true },
  },
  actions: [
    { name: 'capabilities', 'uri-template': '/capabilities', parameters: [] },
    { name: 'list', 'uri-template': '/zones{?changedsince}', parameters: [optional('changedsince')] },
    { name: 'get', 'uri-template': '/zones{/tzid}{?start,end}', parameters: [optional('start'), optional('end')] },
    { name: 'expand', 'uri-template': '/zones{/tzid}/observances{?start,end}', parameters: [required('start'), required('end')] },
    { name: 'find', 'uri-template': '/zones{?pattern}', parameters: [required('pattern')] },
    { name: 'leapseconds', 'uri-template': '/leapseconds', parameters: [] },
  ],
};

const BODY = JSON.stringify(CAPABILITIES);

export function handleCapabilities(request: Request): Response {
  const validators: Validators = { etag: `"capabilities-${TZ_DATA_DIGEST}-${TZ_OUTPUT_REVISION}"`, lastModified: TZ_DATA_RELEASED };
  return (
    notModifiedResponse(request, validators) ??
    new Response(BODY, { status: 200, headers: cacheHeaders(validators, 'application/json; charset=utf-8') })
  );
}
