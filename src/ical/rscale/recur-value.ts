// Teaches ical.js's RECUR value the BYMONTH values of RFC 7529 §4.2. ical.js reads BYMONTH as
// integers from 1 to 12: it turns a leap month "5L" into 5 (the rule would then be written back,
// and expanded, as another month) and refuses the 13th month of the Ethiopic and Coptic calendars
// outright. In a rule with RSCALE the values are kept as written, text in and text out.
import ICAL from 'ical.js';

interface RecurValueType {
  fromICAL(text: string): Record<string, unknown>;
}

const recurValue = (ICAL.design.icalendar as unknown as { value: Record<string, RecurValueType> }).value.recur;

if (recurValue) {
  const fromICAL = recurValue.fromICAL.bind(recurValue);
  recurValue.fromICAL = (text: string) => {
    if (!/(^|;)RSCALE=/i.test(text)) return fromICAL(text);
    const months: string[] = [];
    const others = text.split(';').filter((part) => {
      const match = /^BYMONTH=(.*)$/i.exec(part);
      if (match) months.push(...match[1]!.split(','));
      return !match;
    });
    const data = fromICAL(others.join(';'));
    if (months.length > 0) data.bymonth = months.length === 1 ? months[0] : months;
    return data;
  };
}
