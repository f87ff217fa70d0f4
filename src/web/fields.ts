// Form pieces shared by the "New calendar" form and each calendar's settings: component-type
// choices (RFC 4791 §5.2.3), the time-zone list (RFC 7809 calendar-timezone-id) and colours.
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { listZones } from '../tz/catalogue.ts';

export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The component types the page offers, in Cyrus's order, with the words people use for them. */
export const COMPONENT_CHOICES: readonly { name: string; label: string }[] = [
  { name: 'VEVENT', label: 'Events' },
  { name: 'VTODO', label: 'Tasks' },
  { name: 'VJOURNAL', label: 'Journal' },
  { name: 'VFREEBUSY', label: 'Free/busy' },
  { name: 'VAVAILABILITY', label: 'Availability' },
];

export const DEFAULT_COLOR = '#2f6fed';

/** Types a calendar may already hold without the page offering them for new calendars. */
const OTHER_LABELS: Readonly<Record<string, string>> = { VPOLL: 'Polls' };

export function componentLabel(name: string): string {
  return COMPONENT_CHOICES.find((choice) => choice.name === name)?.label ?? OTHER_LABELS[name] ?? name;
}

/** Checkboxes for the offered types, plus any other type the calendar holds so that saving keeps it. */
export function componentFieldset(idPrefix: string, checked: readonly string[], legend: string): Markup {
  const extra = checked.filter((name) => !COMPONENT_CHOICES.some((choice) => choice.name === name));
  const choices = [...COMPONENT_CHOICES, ...extra.map((name) => ({ name, label: componentLabel(name) }))];
  const boxes = choices.map(
    ({ name, label }) => html`<label class="chip" for="${idPrefix}-${name}"
        ><input type="checkbox" id="${idPrefix}-${name}" name="components" value="${name}" ${checked.includes(name) ? html`checked` : ''} /><span
          >${label}</span
        ></label
      >`,
  );
  return html`<fieldset class="field">
    <legend>${legend}</legend>
    <div class="chips">${boxes}</div>
  </fieldset>`;
}

/**
 * A time-zone select listing only the current zone: the page's script fills in the others from
 * the one zoneOptionsTemplate() when the select is first needed, so that a page with many
 * calendars does not repeat some 400 options for each.
 */
export function timezoneSelect(id: string, current: string | null): Markup {
  return html`<select id="${id}" name="timezone" data-lazy-zones>
    <option value="">No time zone</option>
    ${current ? html`<option value="${current}" selected>${current.replace(/_/g, ' ')}</option>` : ''}
  </select>`;
}

export function zoneOptionsTemplate(): Markup {
  const options = listZones()
    .map((zone) => zone.tzid)
    .sort()
    .map((tzid) => html`<option value="${tzid}">${tzid.replace(/_/g, ' ')}</option>`);
  return html`<template id="zone-options"><option value="">No time zone</option>${options}</template>`;
}

/** `<input type=color>` only takes #rrggbb: Apple clients store #RRGGBBAA and CSS allows #rgb. */
export function colorInputValue(color: string | null): string {
  if (!color || !color.startsWith('#')) return DEFAULT_COLOR;
  const hex = color.slice(1);
  if (hex.length === 3 || hex.length === 4) return `#${[...hex.slice(0, 3)].map((c) => c + c).join('')}`.toLowerCase();
  return `#${hex.slice(0, 6)}`.toLowerCase();
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
