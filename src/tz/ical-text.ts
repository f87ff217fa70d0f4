// Small iCalendar text helpers for the VTIMEZONE writer: UTC-offset values (RFC 5545 §3.3.14)
// and content-line folding at 75 octets (RFC 5545 §3.1).

/** "+0100", "-0500", "-045602" (seconds only when present: LMT offsets have them). */
export function formatUtcOffset(seconds: number): string {
  // RFC 5545 §3.3.14 forbids "-0000", so zero is always "+0000".
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const text = pad2(Math.floor(abs / 3600)) + pad2(Math.floor((abs % 3600) / 60));
  return sign + text + (abs % 60 ? pad2(abs % 60) : '');
}

/** Folds a content line so that no physical line exceeds 75 octets of UTF-8. */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let currentBytes = 0;
  for (const char of line) {
    const bytes = encoder.encode(char).length;
    // Continuation lines start with a space, which counts against their 75 octets.
    const limit = parts.length === 0 ? 75 : 74;
    if (currentBytes + bytes > limit) {
      parts.push(current);
      current = '';
      currentBytes = 0;
    }
    current += char;
    currentBytes += bytes;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** Escapes a TEXT value (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
