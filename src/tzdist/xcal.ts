// jCal (RFC 7265) → xCal (RFC 6321) for application/calendar+xml. ical.js has no xCal; jCal was
// designed as xCal's JSON twin, so the mapping is mechanical. Text is escaped here, once.

type JcalProperty = [string, Record<string, unknown>, string, ...unknown[]];
type JcalComponent = [string, JcalProperty[], JcalComponent[]];

const XCAL_NS = 'urn:ietf:params:xml:ns:icalendar-2.0';

/** RFC 6321 §3.2.2: recur parts in this order; BY* parts follow in the order given. */
const RECUR_ORDER = ['freq', 'until', 'count', 'interval', 'bysecond', 'byminute', 'byhour', 'byday', 'bymonthday', 'byyearday', 'byweekno', 'bymonth', 'bysetpos', 'wkst'];

/** Parameters whose value type is not text (RFC 6321 §3.5). */
const PARAMETER_TYPES: Record<string, string> = {
  altrep: 'uri',
  dir: 'uri',
  'delegated-from': 'cal-address',
  'delegated-to': 'cal-address',
  member: 'cal-address',
  'sent-by': 'cal-address',
};

export function jcalToXcal(jcal: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<icalendar xmlns="${XCAL_NS}">${component(jcal as JcalComponent)}</icalendar>\n`;
}

function component([name, properties, components]: JcalComponent): string {
  const props = properties.length ? element('properties', properties.map(property).join('')) : '';
  const children = components.length ? element('components', components.map(component).join('')) : '';
  return element(name, props + children);
}

function property([name, parameters, type, ...values]: JcalProperty): string {
  const params = Object.entries(parameters);
  const paramXml = params.length
    ? element('parameters', params.map(([param, value]) => {
        const valueType = PARAMETER_TYPES[param] ?? 'text';
        const list = Array.isArray(value) ? value : [value];
        return element(param, list.map((v) => element(valueType, escape(String(v)))).join(''));
      }).join(''))
    : '';
  return element(name, paramXml + values.map((value) => propertyValue(type, value)).join(''));
}

function propertyValue(type: string, value: unknown): string {
  if (type === 'recur' && value !== null && typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>).sort(
      ([a], [b]) => rank(a) - rank(b),
    );
    return element('recur', parts.map(([part, partValue]) => {
      const list = Array.isArray(partValue) ? partValue : [partValue];
      return list.map((v) => element(part, escape(String(v)))).join('');
    }).join(''));
  }
  if (type === 'period' && Array.isArray(value)) {
    const [start, second] = value as [string, string];
    const endOrDuration = /^[+-]?P/.test(second) ? element('duration', escape(second)) : element('end', escape(second));
    return element('period', element('start', escape(start)) + endOrDuration);
  }
  if (Array.isArray(value)) {
    // Structured values (REQUEST-STATUS, GEO) list their parts as repeated value elements.
    return value.map((part) => element(type, escape(String(part)))).join('');
  }
  return element(type === 'unknown' ? 'unknown' : type, escape(String(value)));
}

function rank(part: string): number {
  const index = RECUR_ORDER.indexOf(part);
  return index < 0 ? RECUR_ORDER.length : index;
}

function element(name: string, content: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) throw new Error(`not an iCalendar name: ${name}`);
  return `<${name}>${content}</${name}>`;
}

/** XML 1.0 text escaping; control characters XML cannot carry are dropped. */
function escape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
