// The calendar management page as one HTML document: the calendar list, the "New calendar" form,
// the confirmation dialog, and the inline style sheet and script, both carrying the CSP nonce.
import { html, raw } from 'hono/html';
import { calendarCard, type CardContext } from './calendar-card.ts';
import type { CalendarSummary, Invitation } from './calendars.ts';
import { componentFieldset, DEFAULT_COLOR, timezoneSelect, zoneOptionsTemplate, type Markup } from './fields.ts';
import { PAGE_SCRIPT } from './script.ts';
import { PAGE_STYLES } from './styles.ts';

export interface PageModel extends CardContext {
  user: string;
  /** The one shown in the header: the user's display name or email when known. */
  userLabel: string;
  homeHref: string;
  calendars: CalendarSummary[];
  invitations: Invitation[];
  canCreate: boolean;
  nonce: string;
}

const ICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="5" fill="#f5a524"/><ellipse cx="16" cy="16" rx="14" ry="6" fill="none" stroke="#2f6fed" stroke-width="2.5" transform="rotate(-25 16 16)"/></svg>',
)}`;

export function renderPage(model: PageModel): Markup {
  const count = model.calendars.length;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>Calendars · ${model.user}</title>
        <link rel="icon" href="${ICON}" />
        <style nonce="${model.nonce}">
          ${raw(PAGE_STYLES)}
          ${raw(colorRules(model.calendars))}
        </style>
      </head>
      <body>
        <a class="skip" href="#calendars">Skip to your calendars</a>
        <header class="top">
          <div class="brand"><img src="${ICON}" alt="" width="28" height="28" /><span>Orrery</span></div>
          <p class="who">Signed in as <strong>${model.userLabel}</strong></p>
        </header>
        <noscript><p class="notice error">This page needs JavaScript to make changes. Your calendars are listed below.</p></noscript>
        <div class="notice" id="flash" role="status" aria-live="polite" hidden></div>
        <main class="layout" data-home="${model.homeHref}">
          <section id="calendars" class="list" aria-labelledby="calendars-title" tabindex="-1">
            <div class="section-head">
              <h1 id="calendars-title">Calendars</h1>
              <p class="muted">${count === 1 ? '1 calendar' : `${count} calendars`}</p>
            </div>
            ${model.invitations.length > 0 ? invitations(model.invitations) : ''}
            ${count === 0 ? html`<p class="empty">You have no calendars yet.</p>` : model.calendars.map((calendar, i) => calendarCard(calendar, i, model))}
          </section>
          ${model.canCreate ? createForm(model) : ''}
        </main>
        <dialog id="confirm" aria-labelledby="confirm-title">
          <form method="dialog" class="stack">
            <h2 id="confirm-title">Are you sure?</h2>
            <div id="confirm-body"></div>
            <div class="actions">
              <button value="cancel" class="ghost" formnovalidate>Cancel</button>
              <button value="ok" id="confirm-ok" class="primary">Confirm</button>
            </div>
          </form>
        </dialog>
        ${model.timezones ? zoneOptionsTemplate() : ''}
        <script nonce="${model.nonce}">
          ${raw(PAGE_SCRIPT)}
        </script>
      </body>
    </html>`;
}

// --- Internal helpers ---

function createForm(model: PageModel): Markup {
  return html`<aside class="card create" aria-labelledby="create-title">
    <h2 id="create-title">New calendar</h2>
    <form id="create-form" class="stack" novalidate>
      <div class="field"><label for="new-name">Name</label><input id="new-name" name="name" maxlength="100" required placeholder="e.g. Work" /></div>
      <div class="field">
        <label for="new-desc">Description <span class="muted">(optional)</span></label
        ><textarea id="new-desc" name="description" rows="2" maxlength="500"></textarea>
      </div>
      ${componentFieldset('new-comp', ['VEVENT'], 'Holds')}
      <div class="row">
        ${model.timezones ? html`<div class="field grow"><label for="new-tz">Time zone</label>${timezoneSelect('new-tz', null)}</div>` : ''}
        <div class="field"><label for="new-color">Colour</label><input type="color" id="new-color" name="color" value="${DEFAULT_COLOR}" /></div>
      </div>
      <div class="actions">
        <button type="reset" class="ghost">Reset</button>
        <button type="submit" class="primary">Create calendar</button>
      </div>
    </form>
  </aside>`;
}

function invitations(list: readonly Invitation[]): Markup {
  const items = list.map(
    (invite) => html`<li class="invite" data-href="${invite.href}" data-name="${invite.name}">
      <p><strong>${invite.sharer}</strong> shared <strong>${invite.name}</strong> with you
        <span class="muted">(${invite.access === 'read-write' ? 'can edit' : 'can view'})</span></p>
      <div class="actions">
        <button type="button" class="ghost" data-action="decline">Decline</button>
        <button type="button" class="primary" data-action="accept">Add to my calendars</button>
      </div>
    </li>`,
  );
  return html`<section class="card invites" aria-labelledby="invites-title">
    <h2 id="invites-title">Invitations</h2>
    <ul>${items}</ul>
  </section>`;
}

/** Colours go into the nonce'd style sheet: the CSP forbids style attributes. safeColor() vetted them. */
function colorRules(calendars: readonly CalendarSummary[]): string {
  return calendars.map((calendar, i) => (calendar.color ? `.color-${i}{--swatch:${calendar.color}}` : '')).join('');
}
