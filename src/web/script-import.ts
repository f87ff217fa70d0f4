// Browser-side iCalendar import: splits a file into one calendar object per UID (RFC 4791
// §4.1: one UID per resource, overrides with their master) with the time zones each uses, and
// without METHOD, which calendar object resources must not carry (RFC 4791 §4.1).
// Kept as source text (no template literals inside) because it runs in the browser, not here.

export const CLIENT_IMPORT = String.raw`
function unfoldLines(text) {
  const lines = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && lines.length > 0) lines[lines.length - 1] += raw.slice(1);
    else if (raw !== '') lines.push(raw);
  }
  return lines;
}

function propertyName(line) {
  const match = /^([A-Za-z0-9-]+)[;:]/.exec(line);
  return match ? match[1].toUpperCase() : '';
}

function propertyValue(line) {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return line.slice(i + 1);
  }
  return '';
}

function unescapeText(value) {
  return value.replace(/\\([nN,;\\])/g, (_, c) => (c === 'n' || c === 'N' ? ' ' : c));
}

/**
 * Splits iCalendar text into [{ uid, label, text }], one per UID. Blocks without a UID become
 * items of their own so that the server can say what is wrong with them.
 */
function splitCalendar(text) {
  const lines = unfoldLines(text);
  const zones = new Map();
  const groups = new Map();
  const order = [];
  let prodid = 'PRODID:-//Orrery//Calendar import//EN';
  let calscale = null;
  let depth = 0;
  let block = null;
  for (const line of lines) {
    const name = propertyName(line);
    const value = propertyValue(line).trim();
    if (name === 'BEGIN') depth++;
    if (depth === 1 && name !== 'BEGIN') {
      if (name === 'PRODID') prodid = line;
      if (name === 'CALSCALE') calscale = line;
    } else if (depth === 2 && name === 'BEGIN') {
      block = { type: value.toUpperCase(), lines: [line], uid: null, summary: null, master: true, tzid: null };
    } else if (block) {
      block.lines.push(line);
      if (depth === 2 && name === 'UID') block.uid = value;
      if (depth === 2 && name === 'SUMMARY') block.summary = unescapeText(value);
      if (depth === 2 && name === 'RECURRENCE-ID') block.master = false;
      if (depth === 2 && name === 'TZID') block.tzid = value;
    }
    if (name === 'END') {
      if (depth === 2 && block) {
        if (block.type === 'VTIMEZONE') {
          if (block.tzid) zones.set(block.tzid, block.lines);
        } else {
          const key = block.uid === null ? '\u0000' + order.length : block.uid;
          if (!groups.has(key)) {
            groups.set(key, []);
            order.push(key);
          }
          groups.get(key).push(block);
        }
        block = null;
      }
      depth--;
    }
  }
  return order.map((key) => {
    const blocks = groups.get(key);
    const body = blocks.flatMap((b) => b.lines);
    const used = [...zones.keys()].filter((tzid) => body.some((line) => line.includes('TZID=' + tzid + ':') || line.includes('TZID=' + tzid + ';') || line.includes('TZID="' + tzid + '"')));
    const head = ['BEGIN:VCALENDAR', 'VERSION:2.0', prodid].concat(calscale ? [calscale] : []);
    const all = head.concat(...used.map((tzid) => zones.get(tzid)), body, ['END:VCALENDAR']);
    const labelled = blocks.find((b) => b.master && b.summary) || blocks.find((b) => b.summary) || blocks[0];
    const uid = blocks[0].uid;
    return { uid: uid, label: labelled.summary || uid || 'An item without a UID', text: all.join('\r\n') + '\r\n' };
  });
}
`;
