// One calendar on the management page: what it is, its links (webcal subscription, iCalendar
// download, free-busy URL) and only the controls the viewer's rights allow.
import { html } from 'hono/html';
import type { CalendarSummary } from './calendars.ts';
import { colorInputValue, componentFieldset, componentLabel, formatBytes, timezoneSelect, type Markup } from './fields.ts';

export interface CardContext {
  /**
   * This server's configured scheme://host[:port] (http/public-url.ts), for the absolute links
   * people paste into other programs; null when none is configured, and the page script completes
   * them from the address the browser shows.
   */
  origin: string | null;
  /** Whether calendar-timezone-id can be set (the tzdist module is on). */
  timezones: boolean;
}

export function calendarCard(calendar: CalendarSummary, index: number, view: CardContext): Markup {
  const id = `cal-${index}`;
  const name = calendar.displayName || calendar.segment;
  const data = html`data-href="${calendar.href}" data-name="${name}" data-display-name="${calendar.displayName}" data-description="${calendar.description}"
    data-color="${calendar.color ?? ''}" data-order="${calendar.order ?? ''}" data-timezone="${calendar.timezone ?? ''}" data-components="${calendar.components.join(' ')}"`;
  return html`<article class="cal ${calendar.color ? `color-${index}` : ''}" id="${id}" ${data} aria-labelledby="${id}-title">
    <header class="cal-head">
      <span class="swatch" aria-hidden="true"></span>
      <div class="cal-title">
        <h3 id="${id}-title">${name}</h3>
        ${badges(calendar)}
      </div>
    </header>
    ${calendar.description ? html`<p class="desc">${calendar.description}</p>` : ''}
    <dl class="facts">
      <div><dt>Items</dt><dd>${calendar.count === 0 ? 'Empty' : html`${calendar.count} <span class="muted">· ${formatBytes(calendar.bytes)}</span>`}</dd></div>
      ${view.timezones ? html`<div><dt>Time zone</dt><dd>${calendar.timezone?.replace(/_/g, ' ') ?? '—'}</dd></div>` : ''}
      <div><dt>Order</dt><dd>${calendar.order ?? '—'}</dd></div>
      <div><dt>Holds</dt><dd>${calendar.components.map(componentLabel).join(', ') || '—'}</dd></div>
    </dl>
    ${links(calendar, view)} ${toggles(calendar, id)}
    <div class="panels">
      ${calendar.can.edit ? settingsPanel(calendar, id, view) : ''} ${calendar.can.share ? sharingPanel(calendar, id) : ''}
      ${calendar.can.import ? importPanel(id) : ''}
      ${calendar.can.remove
        ? html`<button type="button" class="danger" data-action="delete">${calendar.sharedBy ? 'Remove from my calendars' : 'Delete calendar'}</button>`
        : ''}
    </div>
  </article>`;
}

// --- Internal helpers ---

function badges(calendar: CalendarSummary): Markup {
  return html`<p class="badges">
    ${calendar.isDefault ? html`<span class="badge default">Default</span>` : ''}
    ${calendar.sharedBy ? html`<span class="badge shared">Shared by ${calendar.sharedBy}</span>` : ''}
    ${calendar.isPublic ? html`<span class="badge public">Public</span>` : ''}
    ${calendar.transparent ? html`<span class="badge">Not counted as busy</span>` : ''}
    ${calendar.sharees.length > 0 ? html`<span class="badge">Shared with ${calendar.sharees.length}</span>` : ''}
  </p>`;
}

function links(calendar: CalendarSummary, view: CardContext): Markup {
  // Without a configured origin the server sends paths: the request's Host header is the client's
  // word, while the address the browser shows is the one its user chose (script-actions.ts).
  const url = view.origin === null ? calendar.href : `${view.origin}${calendar.href}`;
  const subscribe = view.origin === null ? calendar.href : `webcal://${new URL(view.origin).host}${calendar.href}`;
  const completed = (kind: string) => (view.origin === null ? html`data-link="${kind}" data-path="${calendar.href}"` : '');
  return html`<div class="links">
    <a class="button" href="${subscribe}" ${completed('webcal')}>Subscribe</a>
    <a class="button" href="${calendar.href}" download="${(calendar.displayName || calendar.segment).replace(/[^\w .-]/g, '_')}.ics">Download</a>
    ${calendar.freeBusyPath ? html`<a class="button" href="${calendar.freeBusyPath}">Free/busy</a>` : ''}
    <span class="url"
      ><code ${completed('absolute')}>${url}</code
      ><button type="button" class="ghost small" data-action="copy" data-copy="${url}" ${completed('absolute')} aria-label="Copy the calendar's address">Copy</button></span
    >
  </div>`;
}

function toggles(calendar: CalendarSummary, id: string): Markup | '' {
  if (!calendar.can.share && !calendar.can.edit) return '';
  return html`<div class="toggles">
    ${calendar.can.share
      ? html`<label class="switch" for="${id}-public"
          ><input type="checkbox" role="switch" id="${id}-public" data-action="public" ${calendar.isPublic ? html`checked` : ''} /><span
            >Public <small>anyone can read it without signing in</small></span
          ></label
        >`
      : ''}
    ${calendar.can.edit
      ? html`<label class="switch" for="${id}-transp"
          ><input type="checkbox" role="switch" id="${id}-transp" data-action="transparent" ${calendar.transparent ? html`checked` : ''} /><span
            >Transparent <small>its events never show as busy</small></span
          ></label
        >`
      : ''}
  </div>`;
}

function settingsPanel(calendar: CalendarSummary, id: string, view: CardContext): Markup {
  return html`<details class="panel">
    <summary>Settings</summary>
    <form class="stack" data-action="settings" novalidate>
      <div class="field"><label for="${id}-name">Name</label><input id="${id}-name" name="name" maxlength="100" value="${calendar.displayName}" /></div>
      <div class="field">
        <label for="${id}-desc">Description</label><textarea id="${id}-desc" name="description" rows="2" maxlength="500">${calendar.description}</textarea>
      </div>
      <div class="row">
        <div class="field color-field">
          <label for="${id}-color">Colour</label>
          <input type="color" id="${id}-color" name="color" value="${colorInputValue(calendar.color)}" />
          <label class="inline" for="${id}-nocolor"><input type="checkbox" id="${id}-nocolor" name="nocolor" ${calendar.color ? '' : html`checked`} /> None</label>
        </div>
        <div class="field"><label for="${id}-order">Order</label><input type="number" id="${id}-order" name="order" min="0" step="1" inputmode="numeric" value="${calendar.order ?? ''}" /></div>
      </div>
      ${view.timezones ? html`<div class="field"><label for="${id}-tz">Time zone</label>${timezoneSelect(`${id}-tz`, calendar.timezone)}</div>` : ''}
      ${calendar.sharedBy ? '' : componentFieldset(`${id}-comp`, calendar.components, 'Holds')}
      <div class="actions"><button type="submit" class="primary">Save changes</button></div>
    </form>
  </details>`;
}

function sharingPanel(calendar: CalendarSummary, id: string): Markup {
  const rows = calendar.sharees.map(
    (sharee) => html`<li>
      <span class="who">${sharee.user}</span>
      <span class="muted">${sharee.access === 'read-write' ? 'Can edit' : 'Can view'}${sharee.status ? ` · ${STATUS_WORDS[sharee.status]}` : ''}</span>
      <button type="button" class="ghost small" data-action="unshare" data-user="${sharee.user}">Stop sharing</button>
    </li>`,
  );
  return html`<details class="panel">
    <summary>Sharing${calendar.sharees.length > 0 ? html` <span class="count">${calendar.sharees.length}</span>` : ''}</summary>
    ${rows.length > 0 ? html`<ul class="sharees">${rows}</ul>` : html`<p class="muted">Not shared with anyone yet.</p>`}
    <form class="row share-form" data-action="share" novalidate>
      <div class="field grow"><label for="${id}-sharee">User name</label><input id="${id}-sharee" name="user" autocomplete="off" required /></div>
      <div class="field">
        <label for="${id}-access">Access</label>
        <select id="${id}-access" name="access"><option value="read">Can view</option><option value="read-write">Can edit</option></select>
      </div>
      <div class="actions"><button type="submit" class="primary">Share</button></div>
    </form>
  </details>`;
}

function importPanel(id: string): Markup {
  return html`<details class="panel">
    <summary>Import</summary>
    <form class="row" data-action="import" novalidate>
      <div class="field grow"><label for="${id}-file">iCalendar file (.ics)</label><input type="file" id="${id}-file" name="file" accept=".ics,text/calendar" required /></div>
      <div class="actions"><button type="submit" class="primary">Import</button></div>
    </form>
    <ul class="results" aria-live="polite"></ul>
  </details>`;
}

const STATUS_WORDS = { 'invite-noresponse': 'invited', 'invite-accepted': 'accepted', 'invite-declined': 'declined' } as const;
