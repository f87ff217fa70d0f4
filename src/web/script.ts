// The page's one inline script, core part: DAV requests with the browser's own credentials,
// request bodies built with escaping, server errors turned into plain words (the <O:message> of
// a DAV error, else the RFC condition), the confirmation dialog and the status line.
// Every change goes through the DAV handlers clients use, so the page can do no more than they.
import { CLIENT_ACTIONS } from './script-actions.ts';
import { CLIENT_IMPORT } from './script-import.ts';

const CLIENT_CORE = String.raw`
const NS = { D: 'DAV:', C: 'urn:ietf:params:xml:ns:caldav', A: 'http://apple.com/ns/ical/', O: 'https://orrery.dev/ns/' };
const XMLNS = Object.keys(NS).map((p) => ' xmlns:' + p + '="' + NS[p] + '"').join('');
const $ = (selector, root) => (root || document).querySelector(selector);
const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
const main = $('main');
const home = main.dataset.home;

function xmlText(value) {
  return String(value).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
}

function xmlDocument(root, inner) {
  return '<?xml version="1.0" encoding="utf-8"?>\n<' + root + XMLNS + '>' + inner + '</' + root + '>';
}

function prop(name, value) {
  return value === null ? '<' + name + '/>' : '<' + name + '>' + value + '</' + name + '>';
}

function componentSet(components, force) {
  return '<C:supported-calendar-component-set' + (force ? ' force="yes"' : '') + '>' +
    components.map((c) => '<C:comp name="' + xmlText(c) + '"/>').join('') + '</C:supported-calendar-component-set>';
}

async function dav(method, url, body, headers) {
  const init = { method: method, headers: Object.assign({}, headers || {}), credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    init.body = body;
    if (!init.headers['Content-Type']) init.headers['Content-Type'] = 'application/xml; charset=utf-8';
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new Error('The server could not be reached. Check your connection and try again.');
  }
  if (response.status === 207) {
    const problems = multistatusProblems(await response.text());
    if (problems.length > 0) throw new Error(problems.join(' '));
    return response;
  }
  if (!response.ok) throw new Error(await describeFailure(response));
  return response;
}

const STATUS_WORDS = {
  400: 'The server did not understand the request.',
  401: 'You are not signed in any more. Reload the page to sign in again.',
  403: 'You are not allowed to do this.',
  404: 'It is not there any more. Reload the page.',
  405: 'The server does not allow this here.',
  409: 'It conflicts with something already there.',
  412: 'It was changed elsewhere in the meantime. Reload the page and try again.',
  413: 'It is too large for this server.',
  415: 'The server does not accept this kind of data here.',
  507: 'There is no space left for it.',
};

const CONDITION_WORDS = {
  'need-privileges': 'You do not have permission to do this.',
  'cannot-modify-protected-property': 'The server does not allow this to be changed.',
  'no-uid-conflict': 'An item with the same UID is already stored.',
  'valid-calendar-data': 'This is not valid iCalendar data.',
  'valid-calendar-object-resource': 'This is not a valid calendar item.',
  'supported-calendar-component': 'This calendar does not hold this type of item.',
  'max-resource-size': 'The item is larger than the server accepts.',
  'default-calendar-needed': 'The default calendar cannot be deleted.',
  'calendar-collection-location-ok': 'Calendars can only be created in your calendar home.',
  'recognized-principal': 'There is no such user.',
  'allowed-principal': 'Sharing with this user is not allowed here.',
  'valid-timezone': 'The time zone is not known to this server.',
};

const PROPERTY_WORDS = {
  'supported-calendar-component-set': 'This server does not let the kinds of items a calendar holds change after it is created.',
};

function conditionWords(element, propertyName) {
  if (!element) return null;
  const condition = element.localName;
  if (condition === 'cannot-modify-protected-property' && PROPERTY_WORDS[propertyName]) return PROPERTY_WORDS[propertyName];
  return CONDITION_WORDS[condition] || null;
}

function parseXml(text) {
  if (!text || !/^\s*</.test(text)) return null;
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  return doc.getElementsByTagName('parsererror').length > 0 ? null : doc;
}

function messagesIn(node) {
  return Array.from(node.getElementsByTagNameNS(NS.O, 'message')).map((m) => m.textContent.trim()).filter(Boolean);
}

/** Failed propstats of a 207 (PROPPATCH and extended MKCOL report property failures there). */
function multistatusProblems(text) {
  const doc = parseXml(text);
  if (!doc) return [];
  const problems = [];
  for (const propstat of Array.from(doc.getElementsByTagNameNS(NS.D, 'propstat'))) {
    const status = propstat.getElementsByTagNameNS(NS.D, 'status')[0];
    const code = status ? Number((/\s(\d{3})\s?/.exec(status.textContent) || [])[1]) : 200;
    if (code < 300 || code === 424) continue;
    const error = propstat.getElementsByTagNameNS(NS.D, 'error')[0];
    const propElement = propstat.getElementsByTagNameNS(NS.D, 'prop')[0];
    const first = propElement && propElement.firstElementChild;
    const words = messagesIn(propstat).concat(conditionWords(error && error.firstElementChild, first && first.localName) || []);
    problems.push(words.length > 0 ? words[0] : (STATUS_WORDS[code] || 'A property could not be saved.'));
  }
  return Array.from(new Set(problems));
}

async function describeFailure(response) {
  const text = await response.text().catch(() => '');
  const type = response.headers.get('Content-Type') || '';
  const doc = /xml/.test(type) ? parseXml(text) : null;
  if (doc) {
    const messages = messagesIn(doc);
    if (messages.length > 0) return messages.join(' ');
    const error = doc.getElementsByTagNameNS(NS.D, 'error')[0];
    const words = conditionWords(error && error.firstElementChild, null);
    if (words) return words;
  } else if (/^text\/plain/.test(type) && text.trim() !== '' && text.length < 500) {
    return text.trim();
  }
  return STATUS_WORDS[response.status] || ('The server answered ' + response.status + ' ' + response.statusText + '.');
}

const dialog = $('#confirm');

/** Resolves true when the person confirms; every change on this page asks first. */
function confirmAction(title, lines, okLabel, danger) {
  $('#confirm-title').textContent = title;
  const body = $('#confirm-body');
  body.replaceChildren();
  if (lines.length === 1) body.append(Object.assign(document.createElement('p'), { textContent: lines[0] }));
  else if (lines.length > 1) {
    const list = document.createElement('ul');
    for (const line of lines) list.append(Object.assign(document.createElement('li'), { textContent: line }));
    body.append(list);
  }
  const ok = $('#confirm-ok');
  ok.textContent = okLabel;
  ok.classList.toggle('danger', Boolean(danger));
  ok.classList.toggle('primary', !danger);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    // Enter must not destroy anything by default: destructive confirmations start on Cancel.
    (danger ? dialog.querySelector('button[value=cancel]') : ok).focus();
  });
}

const flashBox = $('#flash');
const FLASH_KEY = 'orrery-flash';

function flash(message, isError) {
  flashBox.textContent = message;
  flashBox.classList.toggle('error', Boolean(isError));
  flashBox.hidden = false;
  if (isError) flashBox.setAttribute('role', 'alert');
  else flashBox.setAttribute('role', 'status');
}

/** Reloads so that the page shows the server's state, keeping a message (and import results) across. */
function reloadWith(message, extra) {
  sessionStorage.setItem(FLASH_KEY, JSON.stringify(Object.assign({ message: message }, extra || {})));
  location.reload();
}

async function busy(button, work) {
  if (button) button.disabled = true;
  try {
    await work();
  } catch (error) {
    flash(error.message, true);
  } finally {
    if (button) button.disabled = false;
  }
}

function randomName(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return (prefix ? prefix + '-' : '') + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
`;

export const PAGE_SCRIPT = `'use strict';\n(() => {\n${CLIENT_CORE}\n${CLIENT_IMPORT}\n${CLIENT_ACTIONS}\n})();\n`;
