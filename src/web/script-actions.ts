// The page's one inline script, actions part: create (extended MKCOL, RFC 5689), change
// (PROPPATCH), public and sharing (draft-pot-webdav-resource-sharing share-resource POST),
// invitation replies, import (one PUT per UID), delete; each confirmed first.
// Uses the helpers of script.ts; kept as source text because it runs in the browser.

export const CLIENT_ACTIONS = String.raw`
const COMPONENT_LABELS = { VEVENT: 'Events', VTODO: 'Tasks', VJOURNAL: 'Journal', VFREEBUSY: 'Free/busy', VAVAILABILITY: 'Availability' };
const SHARE_TYPE = { 'Content-Type': 'application/davsharing+xml; charset=utf-8' };
const cardOf = (node) => node.closest('.cal');
const nameOf = (card) => card.dataset.name;
const checkedComponents = (form) => $$('input[name=components]:checked', form).map((box) => box.value);
const labels = (components) => components.map((c) => COMPONENT_LABELS[c] || c).join(', ') || 'nothing';
const quote = (text) => '\u201c' + text + '\u201d';

/** Calendar names become URL segments: letters and digits of the name plus a random suffix, never a dot. */
function collectionName(displayName) {
  const slug = displayName.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24).replace(/-+$/, '');
  return randomName(slug || 'calendar');
}

function fillZones(select) {
  if (!select || !select.hasAttribute('data-lazy-zones')) return;
  const source = $('#zone-options');
  if (!source) return;
  const current = select.value;
  select.replaceChildren(...Array.from(source.content.children, (option) => option.cloneNode(true)));
  select.value = current;
  select.removeAttribute('data-lazy-zones');
}

async function createCalendar(form) {
  const name = form.elements.name.value.trim();
  const description = form.elements.description.value.trim();
  const components = checkedComponents(form);
  const timezone = form.elements.timezone ? form.elements.timezone.value : '';
  if (name === '') throw new Error('Give the calendar a name.');
  if (components.length === 0) throw new Error('Choose at least one kind of item the calendar holds.');
  const details = ['Holds: ' + labels(components)];
  if (timezone) details.push('Time zone: ' + timezone);
  if (!(await confirmAction('Create ' + quote(name) + '?', details, 'Create calendar'))) return;
  let props = prop('D:resourcetype', '<D:collection/><C:calendar/>') + prop('D:displayname', xmlText(name)) + componentSet(components, false);
  if (description) props += prop('C:calendar-description', xmlText(description));
  if (timezone) props += prop('C:calendar-timezone-id', xmlText(timezone));
  props += prop('A:calendar-color', xmlText(form.elements.color.value));
  await dav('MKCOL', home + collectionName(name) + '/', xmlDocument('D:mkcol', '<D:set><D:prop>' + props + '</D:prop></D:set>'));
  reloadWith('Created ' + quote(name) + '.');
}

function settingsChanges(card, form) {
  const was = card.dataset;
  const sets = [];
  const removes = [];
  const lines = [];
  const text = (field, property, label, old) => {
    const value = form.elements[field].value.trim();
    if (value === old) return;
    if (value === '') removes.push(prop(property, null));
    else sets.push(prop(property, xmlText(value)));
    lines.push(value === '' ? label + ': removed' : label + ': ' + (old ? quote(old) + ' \u2192 ' : '') + quote(value));
  };
  text('name', 'D:displayname', 'Name', was.displayName);
  text('description', 'C:calendar-description', 'Description', was.description);
  text('order', 'A:calendar-order', 'Order', was.order);
  if (form.elements.timezone) text('timezone', 'C:calendar-timezone-id', 'Time zone', was.timezone);
  const color = form.elements.nocolor.checked ? '' : form.elements.color.value.toLowerCase();
  if (color !== (was.color ? form.elements.color.defaultValue.toLowerCase() : '')) {
    if (color === '') removes.push(prop('A:calendar-color', null));
    else sets.push(prop('A:calendar-color', xmlText(color)));
    lines.push(color === '' ? 'Colour: none' : 'Colour: ' + color);
  }
  let components = null;
  if (form.querySelector('input[name=components]')) {
    const chosen = checkedComponents(form);
    if (chosen.slice().sort().join(' ') !== was.components.split(' ').filter(Boolean).sort().join(' ')) {
      if (chosen.length === 0) throw new Error('Choose at least one kind of item the calendar holds.');
      components = chosen;
      lines.push('Holds: ' + labels(chosen));
    }
  }
  return { sets: sets, removes: removes, components: components, lines: lines };
}

async function saveSettings(card, form) {
  const change = settingsChanges(card, form);
  if (change.lines.length === 0) return flash('Nothing to save: no setting was changed.');
  if (!(await confirmAction('Save changes to ' + quote(nameOf(card)) + '?', change.lines, 'Save changes'))) return;
  const updates = (change.sets.length ? '<D:set><D:prop>' + change.sets.join('') + '</D:prop></D:set>' : '') +
    (change.removes.length ? '<D:remove><D:prop>' + change.removes.join('') + '</D:prop></D:remove>' : '');
  if (updates) await dav('PROPPATCH', card.dataset.href, xmlDocument('D:propertyupdate', updates));
  // Sent on its own: a server that refuses to change the component set still keeps the rest.
  if (change.components) {
    const body = xmlDocument('D:propertyupdate', '<D:set><D:prop>' + componentSet(change.components, true) + '</D:prop></D:set>');
    try {
      await dav('PROPPATCH', card.dataset.href, body);
    } catch (error) {
      if (updates) reloadWith('The other changes were saved, but not the kinds of items: ' + error.message, { error: true });
      throw error;
    }
  }
  reloadWith('Saved the changes to ' + quote(nameOf(card)) + '.');
}

function shareBody(href, access) {
  return xmlDocument('D:share-resource', '<D:sharee><D:href>' + xmlText(href) + '</D:href><D:share-access><D:' + access + '/></D:share-access></D:sharee>');
}

async function togglePublic(card, box) {
  const makePublic = box.checked;
  box.checked = !makePublic;
  const ok = makePublic
    ? await confirmAction('Make ' + quote(nameOf(card)) + ' public?', ['Anyone who has its address can read it, without signing in.'], 'Make public')
    : await confirmAction('Make ' + quote(nameOf(card)) + ' private?', ['Only you and the people you share it with will be able to read it.'], 'Make private');
  if (!ok) return;
  await dav('POST', card.dataset.href, shareBody('DAV:all', makePublic ? 'read' : 'no-access'), SHARE_TYPE);
  reloadWith(quote(nameOf(card)) + (makePublic ? ' is now public.' : ' is now private.'));
}

async function toggleTransparent(card, box) {
  const transparent = box.checked;
  box.checked = !transparent;
  const line = transparent ? 'Its events will not make you busy for people scheduling with you.' : 'Its events will count as busy time again.';
  if (!(await confirmAction((transparent ? 'Make ' : 'Stop making ') + quote(nameOf(card)) + ' transparent?', [line], 'Confirm'))) return;
  const body = transparent
    ? '<D:set><D:prop><C:schedule-calendar-transp><C:transparent/></C:schedule-calendar-transp></D:prop></D:set>'
    : '<D:remove><D:prop><C:schedule-calendar-transp/></D:prop></D:remove>';
  await dav('PROPPATCH', card.dataset.href, xmlDocument('D:propertyupdate', body));
  reloadWith(quote(nameOf(card)) + (transparent ? ' no longer counts as busy time.' : ' counts as busy time again.'));
}

async function share(card, form) {
  const user = form.elements.user.value.trim();
  const access = form.elements.access.value;
  if (user === '' || user.includes('/')) throw new Error('Enter the user name of the person to share with.');
  const words = access === 'read-write' ? 'see and change its events' : 'see its events';
  if (!(await confirmAction('Share ' + quote(nameOf(card)) + ' with ' + user + '?', [user + ' will be able to ' + words + ' once they accept.'], 'Share'))) return;
  await dav('POST', card.dataset.href, shareBody('/dav/principals/user/' + encodeURIComponent(user) + '/', access), SHARE_TYPE);
  reloadWith('Shared ' + quote(nameOf(card)) + ' with ' + user + '.');
}

async function unshare(card, user) {
  if (!(await confirmAction('Stop sharing ' + quote(nameOf(card)) + ' with ' + user + '?', [user + ' will no longer see it.'], 'Stop sharing', true))) return;
  await dav('POST', card.dataset.href, shareBody('/dav/principals/user/' + encodeURIComponent(user) + '/', 'no-access'), SHARE_TYPE);
  reloadWith(user + ' no longer has access to ' + quote(nameOf(card)) + '.');
}

async function answerInvitation(invite, accept) {
  const name = invite.dataset.name;
  if (!accept && !(await confirmAction('Decline ' + quote(name) + '?', ['It will not be added to your calendars.'], 'Decline', true))) return;
  const reply = '<D:href>' + xmlText(invite.dataset.href) + '</D:href>' + (accept ? '<D:invite-accepted/>' : '<D:invite-declined/>');
  await dav('POST', home, xmlDocument('D:invite-reply', reply), SHARE_TYPE);
  reloadWith(accept ? 'Added ' + quote(name) + ' to your calendars.' : 'Declined ' + quote(name) + '.');
}

async function importFile(card, form) {
  const file = form.elements.file.files[0];
  if (!file) throw new Error('Choose an iCalendar (.ics) file first.');
  const items = splitCalendar(await file.text());
  if (items.length === 0) throw new Error(file.name + ' holds no events, tasks or journal entries.');
  const preview = items.slice(0, 5).map((item) => item.label).concat(items.length > 5 ? ['and ' + (items.length - 5) + ' more'] : []);
  const count = items.length === 1 ? '1 item' : items.length + ' items';
  if (!(await confirmAction('Import ' + count + ' into ' + quote(nameOf(card)) + '?', preview, 'Import'))) return;
  const results = [];
  for (const item of items) {
    try {
      await dav('PUT', card.dataset.href + randomName('import') + '.ics', item.text, { 'Content-Type': 'text/calendar; charset=utf-8', 'If-None-Match': '*' });
      results.push({ ok: true, label: item.label });
    } catch (error) {
      results.push({ ok: false, label: item.label, message: error.message });
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  const summary = failed === 0 ? 'Imported ' + count + ' into ' + quote(nameOf(card)) + '.'
    : 'Imported ' + (results.length - failed) + ' of ' + results.length + ' items into ' + quote(nameOf(card)) + '.';
  reloadWith(summary, { error: failed > 0, card: card.dataset.href, results: results });
}

async function deleteCalendar(card) {
  const shared = card.querySelector('.badge.shared');
  const ok = shared
    ? await confirmAction('Remove ' + quote(nameOf(card)) + ' from your calendars?', ['Its owner keeps it; you can be invited again.'], 'Remove', true)
    : await confirmAction('Delete ' + quote(nameOf(card)) + '?', ['The calendar and everything in it will be deleted. This cannot be undone.'], 'Delete calendar', true);
  if (!ok) return;
  await dav('DELETE', card.dataset.href);
  reloadWith((shared ? 'Removed ' : 'Deleted ') + quote(nameOf(card)) + '.');
}

async function copy(button) {
  const text = button.dataset.copy;
  try {
    await navigator.clipboard.writeText(text);
    flash('Copied ' + text);
  } catch (error) {
    flash('Copy this address: ' + text);
  }
}

function showResults(card, results) {
  const list = card && $('.results', card);
  if (!list) return;
  list.closest('details').open = true;
  for (const r of results) {
    const line = (r.ok ? '\u2713 ' : '\u2717 ') + r.label + (r.ok ? '' : ': ' + r.message);
    list.append(Object.assign(document.createElement('li'), { className: r.ok ? 'ok' : 'fail', textContent: line }));
  }
}

function restoreFlash() {
  const saved = sessionStorage.getItem(FLASH_KEY);
  if (!saved) return;
  sessionStorage.removeItem(FLASH_KEY);
  const state = JSON.parse(saved);
  flash(state.message, state.error);
  if (state.results) showResults($$('.cal').find((card) => card.dataset.href === state.card), state.results);
}

document.addEventListener('submit', (event) => {
  const form = event.target;
  const card = cardOf(form);
  const action = form.id === 'create-form' ? createCalendar.bind(null, form)
    : form.dataset.action === 'settings' ? saveSettings.bind(null, card, form)
    : form.dataset.action === 'share' ? share.bind(null, card, form)
    : form.dataset.action === 'import' ? importFile.bind(null, card, form) : null;
  if (!action) return;
  event.preventDefault();
  busy(form.querySelector('button[type=submit]'), action);
});

document.addEventListener('change', (event) => {
  const box = event.target;
  if (box.dataset.action === 'public') busy(box, () => togglePublic(cardOf(box), box));
  else if (box.dataset.action === 'transparent') busy(box, () => toggleTransparent(cardOf(box), box));
});

document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const action = button.dataset.action;
  if (action === 'delete') busy(button, () => deleteCalendar(cardOf(button)));
  else if (action === 'unshare') busy(button, () => unshare(cardOf(button), button.dataset.user));
  else if (action === 'copy') copy(button);
  else if (action === 'accept' || action === 'decline') busy(button, () => answerInvitation(button.closest('.invite'), action === 'accept'));
});

document.addEventListener('toggle', (event) => {
  if (event.target.open) fillZones($('select[data-lazy-zones]', event.target));
}, true);

$$('.color-field input[type=color]').forEach((input) => input.addEventListener('input', () => {
  input.form.elements.nocolor.checked = false;
}));

const createZone = $('#new-tz');
if (createZone) {
  fillZones(createZone);
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (local && Array.from(createZone.options).some((o) => o.value === local)) createZone.value = local;
  createZone.form.addEventListener('reset', () => setTimeout(() => { createZone.value = local || ''; }));
}
// Addresses the server could not make absolute (no servername configured) take the origin the
// browser shows, which its user chose, rather than the one a request header claimed.
$$('[data-link]').forEach((node) => {
  const path = node.dataset.path;
  if (node.dataset.link === 'webcal') node.href = 'webcal://' + location.host + path;
  else if (node.dataset.action === 'copy') node.dataset.copy = location.origin + path;
  else node.textContent = location.origin + path;
});
restoreFlash();
`;
