// Server configuration: typed options with defaults, named after Cyrus IMAP's imapd.conf options
// wherever Cyrus has one, read from an imapd.conf-style file and from ORRERY_<OPTION> variables.

export type SchedulingMode = 'on' | 'off' | 'apple';
export type HttpModule = 'caldav' | 'freebusy' | 'tzdist' | 'webdav' | 'ischedule';

export interface AppConfig {
  httpmodules: ReadonlySet<HttpModule>;
  servername: string;
  http_baseurl: string;
  defaultdomain: string;
  admins: readonly string[];
  caldav_realm: string;
  failedloginpause_seconds: number;
  maxfailedlogins_per_user: number;
  maxfailedlogins_per_host: number;
  failedloginlockout_seconds: number;
  password_check_concurrency: number;
  password_check_queue: number;
  trusted_proxies: readonly string[];
  caldav_allowscheduling: SchedulingMode;
  caldav_allowattach: boolean;
  caldav_attach_maxsize: number;
  caldav_attach_maxcount: number;
  caldav_attach_quota: number;
  caldav_allowcalendaradmin: boolean;
  caldav_create_default: boolean;
  caldav_create_sched: boolean;
  caldav_create_attach: boolean;
  caldav_historical_age_seconds: number;
  caldav_mindatetime: string;
  caldav_maxdatetime: string;
  caldav_max_instances: number;
  caldav_max_attendees_per_instance: number;
  caldav_max_report_instances: number;
  caldav_accept_invalid_rrules: boolean;
  caldav_strict_rfc5545: boolean;
  calendar_default_displayname: string;
  calendar_component_set: readonly string[];
  calendar_user_address_set: readonly string[];
  icalendar_max_size: number;
  xml_max_size: number;
  webdav_max_size: number;
  anyoneuseracl: boolean;
  implicit_owner_rights: string;
  smtp_host: string;
  smtp_port: number;
  smtp_user: string;
  smtp_password: string;
  imip_sender: string;
  imip_webhook_url: string;
  ischedule_peers: readonly string[];
  ischedule_peer_keys: readonly string[];
  ischedule_dkim_domain: string;
  ischedule_dkim_selector: string;
  ischedule_dkim_key_file: string;
  ischedule_dkim_key: string;
  ischedule_dkim_required: boolean;
  ischedule_signature_lifetime_seconds: number;
  ischedule_freebusy_timeout_seconds: number;
  webdav_push: boolean;
  webdav_push_vapid_public_key: string;
  webdav_push_vapid_private_key: string;
  webdav_push_vapid_subject: string;
  webdav_push_max_expiry_seconds: number;
  webdav_push_delay_seconds: number;
  webdav_push_allow_http: boolean;
}

type OptionKind = 'switch' | 'string' | 'int' | 'bytesize' | 'duration' | 'list' | 'datetime' | 'hostname' | 'origin' | { enum: readonly string[] };

interface OptionSpec {
  kind: OptionKind;
  default: string;
  description: string;
  /** For list options: the values allowed, if restricted. */
  values?: readonly string[];
}

/** The component types a calendar object resource may have (RFC 4791 §4.1, RFC 7953, VPOLL). */
export const CALENDAR_COMPONENTS = ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY', 'VAVAILABILITY', 'VPOLL'] as const;
const COMPONENTS = CALENDAR_COMPONENTS;
const MODULES = ['caldav', 'freebusy', 'tzdist', 'webdav', 'ischedule'] as const;

/** Every option the server knows. The README's configuration table is generated from this. */
export const OPTIONS: Record<keyof AppConfig, OptionSpec> = {
  httpmodules: { kind: 'list', default: 'caldav freebusy tzdist', values: MODULES, description: 'HTTP modules to enable: caldav, freebusy, tzdist, webdav (the /dav/drive file area), ischedule' },
  servername: {
    kind: 'hostname',
    default: 'localhost',
    description: 'Public host name of this server: absolute URLs (subscribe links, TZURL, free-busy URLs) start with https:// and this name unless http_baseurl is set, and never come from the Host header; left at localhost, none are built (docs/deployment.md). Also used in generated identifiers and messages',
  },
  http_baseurl: { kind: 'origin', default: '', description: 'Scheme, host and port that absolute URLs start with when not https:// and servername, e.g. http://cal.example.com:8008 with no TLS proxy in front; no path' },
  defaultdomain: { kind: 'string', default: 'localhost', description: 'Domain of users whose name has no @domain; used for their calendar user addresses' },
  admins: { kind: 'list', default: '', description: 'Users who are server administrators (all rights everywhere)' },
  caldav_realm: { kind: 'string', default: 'Orrery', description: 'HTTP authentication realm' },
  failedloginpause_seconds: { kind: 'duration', default: '1s', description: 'Pause before answering a failed login; it doubles with each further failure of the same user name or client address, up to 30s' },
  maxfailedlogins_per_user: { kind: 'int', default: '10', description: 'Failed logins of one user name after which its logins are refused (429) until failedloginlockout has passed; credentials verified before still work; 0: no limit' },
  maxfailedlogins_per_host: { kind: 'int', default: '50', description: 'Failed logins from one client address (IPv6: one /64) after which its logins are refused (429) until failedloginlockout has passed; 0: no limit' },
  failedloginlockout_seconds: { kind: 'duration', default: '15m', description: 'How long failed logins are counted, and how long a lockout lasts after the last one' },
  password_check_concurrency: { kind: 'int', default: '1', description: 'Password checks (each a deliberately slow KDF run) that run at once; the others wait their turn; 0: no limit' },
  password_check_queue: { kind: 'int', default: '64', description: 'Password checks that may wait for a turn; beyond that logins are answered 503 with Retry-After' },
  trusted_proxies: { kind: 'list', default: '', description: 'Addresses of reverse proxies in front of the server; for requests from them the client address is taken from X-Forwarded-For' },
  caldav_allowscheduling: { kind: { enum: ['on', 'off', 'apple'] }, default: 'on', description: 'Implicit scheduling (RFC 6638): on, off, or apple (CalendarServer emulation)' },
  caldav_allowattach: { kind: 'switch', default: 'on', description: 'Managed attachments (RFC 8607)' },
  caldav_attach_maxsize: { kind: 'bytesize', default: '50M', description: 'Largest managed attachment accepted (CALDAV:max-attachment-size); 0: no limit' },
  caldav_attach_maxcount: { kind: 'int', default: '20', description: 'Most managed attachments one calendar object may reference (CALDAV:max-attachments-per-resource); 0: no limit' },
  caldav_attach_quota: { kind: 'bytesize', default: '1G', description: 'Storage for managed attachments per user, each content counted once (DAV:quota-available-bytes on the calendar home); past it uploads are refused with 507 and DAV:quota-not-exceeded; 0: no limit' },
  caldav_allowcalendaradmin: { kind: 'switch', default: 'off', description: 'Serve the calendar management web page at the calendar home' },
  caldav_create_default: { kind: 'switch', default: 'on', description: 'Create the Default calendar on first login' },
  caldav_create_sched: { kind: 'switch', default: 'on', description: 'Create the scheduling Inbox and Outbox on first login' },
  caldav_create_attach: { kind: 'switch', default: 'on', description: 'Create the Attachments collection on first login' },
  caldav_historical_age_seconds: { kind: 'duration', default: '7d', description: 'Occurrences older than this get no scheduling messages (option name caldav_historical_age)' },
  caldav_mindatetime: { kind: 'datetime', default: '19011213T204552Z', description: 'Earliest date-time accepted in calendar data (CALDAV:min-date-time)' },
  caldav_maxdatetime: { kind: 'datetime', default: '20380119T031407Z', description: 'Latest date-time accepted; also the horizon for unbounded recurrences (CALDAV:max-date-time)' },
  caldav_max_instances: { kind: 'int', default: '10000', description: 'Most instances a bounded recurrence may produce (CALDAV:max-instances); also the most one object expands to in a report' },
  caldav_max_attendees_per_instance: { kind: 'int', default: '1000', description: 'Most ATTENDEE properties one component of a calendar object may have (CALDAV:max-attendees-per-instance); 0: no limit' },
  caldav_max_report_instances: { kind: 'int', default: '50000', description: 'Most recurrence instances one report computes over all the objects it reads, for its filter and as many again for CALDAV:expand (about half a second of work; an object read counts as ten); past it the answer ends early with DAV:number-of-matches-within-limits' },
  caldav_accept_invalid_rrules: { kind: 'switch', default: 'off', description: 'Store recurrence rules (RRULE, EXRULE) that break RFC 5545 §3.3.10 instead of refusing them with CALDAV:valid-calendar-data' },
  caldav_strict_rfc5545: { kind: 'switch', default: 'off', description: 'Refuse calendar data that breaks RFC 5545 in ways clients commonly do instead of storing it (CALDAV:valid-calendar-data): a DTEND or DUE whose value type differs from that of DTSTART (otherwise rewritten in the type of DTSTART), or one earlier than DTSTART (otherwise kept as sent and read as ending at DTSTART)' },
  calendar_default_displayname: { kind: 'string', default: 'personal', description: 'Display name of the auto-created Default calendar' },
  calendar_component_set: { kind: 'list', default: COMPONENTS.join(' '), values: COMPONENTS, description: 'Component types of new calendars when none are given' },
  calendar_user_address_set: { kind: 'list', default: '', description: 'Domains this server is responsible for (local calendar users); empty means defaultdomain' },
  icalendar_max_size: { kind: 'bytesize', default: '10M', description: 'Largest calendar object accepted (CALDAV:max-resource-size); 0 means 10M' },
  xml_max_size: { kind: 'bytesize', default: '1M', description: 'Largest XML request body accepted' },
  webdav_max_size: { kind: 'bytesize', default: '50M', description: 'Largest file accepted in the WebDAV file area' },
  anyoneuseracl: { kind: 'switch', default: 'on', description: 'Whether non-admins may grant rights to anyone' },
  implicit_owner_rights: { kind: 'string', default: 'lkxan', description: 'Rights the owner of a collection always has' },
  smtp_host: { kind: 'string', default: '', description: 'SMTP server that sends iMIP invitations and replies to people outside this server (Node only); empty: no SMTP' },
  smtp_port: { kind: 'int', default: '25', description: 'Port of smtp_host (465 means TLS from the start; others upgrade with STARTTLS when offered)' },
  smtp_user: { kind: 'string', default: '', description: 'User name for SMTP authentication; empty: send without authenticating' },
  smtp_password: { kind: 'string', default: '', description: 'Password for SMTP authentication' },
  imip_sender: { kind: 'string', default: '', description: 'Address iMIP mail is sent from (From and envelope sender), with the organizer or attendee as Reply-To; empty: from their own address' },
  imip_webhook_url: { kind: 'string', default: '', description: 'URL that receives each iMIP message as JSON by HTTP POST, for runtimes without SMTP (used when smtp_host is empty); empty: none' },
  ischedule_peers: { kind: 'list', default: '', description: 'iSchedule servers by domain, as DOMAIN=URL items (e.g. b.example=https://cal.b.example); scheduling messages to addresses in these domains go there instead of iMIP, and messages from them are accepted (docs/ischedule.md)' },
  ischedule_peer_keys: { kind: 'list', default: '', description: 'Public keys of iSchedule peers (private-exchange), as SELECTOR._domainkey.DOMAIN=BASE64 items, as printed by orrery ischedule keygen; used before DNS TXT' },
  ischedule_dkim_domain: { kind: 'string', default: '', description: 'DKIM d= domain outgoing iSchedule messages are signed for; empty: defaultdomain' },
  ischedule_dkim_selector: { kind: 'string', default: 'orrery', description: 'DKIM s= selector of the iSchedule signing key' },
  ischedule_dkim_key_file: { kind: 'string', default: '', description: 'PEM file holding the private iSchedule signing key (Node and Deno)' },
  ischedule_dkim_key: { kind: 'string', default: '', description: 'The private iSchedule signing key itself (PEM or base64 PKCS#8), for runtimes without files; takes precedence over ischedule_dkim_key_file' },
  ischedule_dkim_required: { kind: 'switch', default: 'on', description: 'Refuse received iSchedule messages that carry no DKIM-Signature (verification-failed); off only for testing' },
  ischedule_signature_lifetime_seconds: { kind: 'duration', default: '1h', description: 'How long an iSchedule signature stays valid (DKIM x=); received messages past their x= are refused (option name ischedule_signature_lifetime)' },
  ischedule_freebusy_timeout_seconds: { kind: 'duration', default: '5s', description: 'How long an Outbox free-busy request waits for iSchedule peers before answering 5.1 for their attendees (option name ischedule_freebusy_timeout)' },
  webdav_push: { kind: 'switch', default: 'on', description: 'WebDAV-Push (draft bitfireAT/webdav-push, as DAVx5 uses it): clients register Web Push subscriptions on collections and get an encrypted push message when one changes (docs/push.md)' },
  webdav_push_vapid_public_key: { kind: 'string', default: '', description: 'VAPID public key (RFC 8292) of push messages: the uncompressed P-256 point, base64url, as web-push tools print it; set together with webdav_push_vapid_private_key; empty: a key pair is generated and kept in the database' },
  webdav_push_vapid_private_key: { kind: 'string', default: '', description: 'VAPID private key: the P-256 private scalar, base64url; keep it secret' },
  webdav_push_vapid_subject: { kind: 'string', default: '', description: 'Contact of this server for push services (VAPID sub claim), a mailto: or https: URL; empty: the public server URL, else mailto:postmaster@defaultdomain' },
  webdav_push_max_expiry_seconds: { kind: 'duration', default: '7d', description: 'Longest lifetime of a push subscription; clients asking for longer (or not asking) get this and must register again before it ends (option name webdav_push_max_expiry)' },
  webdav_push_delay_seconds: { kind: 'duration', default: '2s', description: 'How long push messages wait after a change, so that a burst of changes to one collection sends one message (option name webdav_push_delay)' },
  webdav_push_allow_http: { kind: 'switch', default: 'off', description: 'Accept push resources with http:// URLs and on loopback, private or link-local hosts (a push service on this machine or network, as under test); off: https:// only (RFC 8030) and public hosts only' },
};

/** Option names as written in files and variables, where they differ from the AppConfig key. */
const EXTERNAL_NAMES: Partial<Record<keyof AppConfig, string>> = {
  caldav_historical_age_seconds: 'caldav_historical_age',
  failedloginpause_seconds: 'failedloginpause',
  failedloginlockout_seconds: 'failedloginlockout',
  ischedule_signature_lifetime_seconds: 'ischedule_signature_lifetime',
  ischedule_freebusy_timeout_seconds: 'ischedule_freebusy_timeout',
  webdav_push_max_expiry_seconds: 'webdav_push_max_expiry',
  webdav_push_delay_seconds: 'webdav_push_delay',
};

/** ORRERY_* variables that belong to the adapters (listen address, database), not to AppConfig. */
export const ADAPTER_VARIABLES = new Set([
  'ORRERY_HOST', 'ORRERY_PORT', 'ORRERY_DB', 'ORRERY_DB_AUTH_TOKEN', 'ORRERY_DB_SYNC_URL', 'ORRERY_CONFIG',
  'ORRERY_BOOTSTRAP_USER', 'ORRERY_BOOTSTRAP_PASSWORD', 'ORRERY_LOG',
  // Connection limits (src/http/connection-limits.ts).
  'ORRERY_HEADERS_TIMEOUT', 'ORRERY_REQUEST_TIMEOUT', 'ORRERY_KEEPALIVE_TIMEOUT', 'ORRERY_MAX_CONNECTIONS',
  // Crash tests only (adapters/node/server.ts).
  'ORRERY_TEST_KILL_BEFORE_SCHEDULING_DELIVERY',
]);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses `key: value` lines with `#` comments, as imapd.conf(5). */
export function parseImapdConf(text: string, source = 'configuration file'): Record<string, string> {
  const entries: Record<string, string> = {};
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([A-Za-z0-9_]+)\s*:\s*(.*)$/.exec(line);
    if (!match) throw new ConfigError(`${source}, line ${index + 1}: expected "option: value", got "${line}"`);
    entries[match[1]!.toLowerCase()] = match[2]!.trim();
  });
  return entries;
}

/** Picks the ORRERY_<OPTION> variables out of an environment. */
export function configEntriesFromEnv(env: Record<string, string | undefined>): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('ORRERY_') || ADAPTER_VARIABLES.has(key) || value === undefined) continue;
    entries[key.slice(7).toLowerCase()] = value;
  }
  return entries;
}

/** Builds a validated AppConfig; unknown options and bad values throw ConfigError naming them. */
export function parseConfig(entries: Record<string, string> = {}, source = 'configuration'): AppConfig {
  const byExternalName = new Map<string, keyof AppConfig>();
  for (const key of Object.keys(OPTIONS) as (keyof AppConfig)[]) byExternalName.set(EXTERNAL_NAMES[key] ?? key, key);
  for (const name of Object.keys(entries)) {
    if (!byExternalName.has(name)) throw new ConfigError(`${source}: unknown option "${name}"`);
  }
  const config: Record<string, unknown> = {};
  for (const [external, key] of byExternalName) {
    const spec = OPTIONS[key];
    config[key] = parseValue(spec, entries[external] ?? spec.default, `${source}: option "${external}"`);
  }
  checkLoginThrottle(config as unknown as AppConfig, source);
  checkPush(config as unknown as AppConfig, source);
  return config as unknown as AppConfig;
}

/** The VAPID key pair comes whole (a public key alone cannot sign), in the encoding web-push tools print. */
function checkPush(config: AppConfig, source: string): void {
  const publicKey = config.webdav_push_vapid_public_key;
  const privateKey = config.webdav_push_vapid_private_key;
  if ((publicKey === '') !== (privateKey === '')) {
    throw new ConfigError(`${source}: options "webdav_push_vapid_public_key" and "webdav_push_vapid_private_key" are set together or not at all`);
  }
  if (publicKey !== '' && !/^B[A-Za-z0-9_-]{86}$/.test(publicKey)) {
    throw new ConfigError(`${source}: option "webdav_push_vapid_public_key" is not an uncompressed P-256 point in base64url (87 characters starting with B)`);
  }
  if (privateKey !== '' && !/^[A-Za-z0-9_-]{43}$/.test(privateKey)) {
    throw new ConfigError(`${source}: option "webdav_push_vapid_private_key" is not a P-256 private key in base64url (43 characters)`);
  }
  if (config.webdav_push_max_expiry_seconds <= 0) throw new ConfigError(`${source}: option "webdav_push_max_expiry" must be longer than 0`);
  if (config.webdav_push_delay_seconds < 0) throw new ConfigError(`${source}: option "webdav_push_delay" must not be negative`);
}

/** A lockout of no length (or a negative pause) would switch throttling off without saying so. */
function checkLoginThrottle(config: AppConfig, source: string): void {
  if (config.failedloginpause_seconds < 0) throw new ConfigError(`${source}: option "failedloginpause" must not be negative`);
  if (config.failedloginlockout_seconds <= 0 && (config.maxfailedlogins_per_user > 0 || config.maxfailedlogins_per_host > 0)) {
    throw new ConfigError(`${source}: option "failedloginlockout" must be longer than 0 while maxfailedlogins_per_user or maxfailedlogins_per_host is set`);
  }
}

export function optionExternalName(key: keyof AppConfig): string {
  return EXTERNAL_NAMES[key] ?? key;
}

// --- Internal helpers ---

function parseValue(spec: OptionSpec, raw: string, where: string): unknown {
  const value = raw.trim();
  const kind = spec.kind;
  if (typeof kind === 'object') {
    if (!kind.enum.includes(value)) throw new ConfigError(`${where}: "${value}" is not one of ${kind.enum.join(', ')}`);
    return value;
  }
  switch (kind) {
    case 'switch': {
      if (/^(1|on|yes|true|t)$/i.test(value)) return true;
      if (/^(0|off|no|false|f)$/i.test(value)) return false;
      throw new ConfigError(`${where}: "${value}" is not a switch (use on or off)`);
    }
    case 'string':
      return value;
    case 'hostname': {
      // It goes into Message-IDs and addresses too, where a scheme or a port cannot.
      if (value !== '' && !HOSTNAME.test(value)) throw new ConfigError(`${where}: "${value}" is not a host name like cal.example.com (a scheme or port goes in http_baseurl)`);
      return value;
    }
    case 'origin':
      return value === '' ? '' : parseOrigin(value, where);
    case 'int': {
      if (!/^\d+$/.test(value)) throw new ConfigError(`${where}: "${value}" is not a whole number`);
      return Number(value);
    }
    case 'bytesize': {
      const match = /^(\d+)\s*([KMG]?)B?$/i.exec(value);
      if (!match) throw new ConfigError(`${where}: "${value}" is not a size (e.g. 512K, 10M)`);
      const factor = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
      return Number(match[1]) * factor;
    }
    case 'duration':
      return parseDuration(value, where);
    case 'datetime': {
      if (!/^\d{8}T\d{6}Z$/.test(value)) throw new ConfigError(`${where}: "${value}" is not a UTC date-time like 20380119T031407Z`);
      return value;
    }
    case 'list': {
      const items = value.split(/[\s,]+/).filter((item) => item !== '');
      if (spec.values) {
        const allowed = spec.values;
        const normalised = items.map((item) => (allowed.includes(item) ? item : allowed.find((a) => a.toLowerCase() === item.toLowerCase())));
        const bad = items.filter((_, i) => normalised[i] === undefined);
        if (bad.length > 0) throw new ConfigError(`${where}: unknown value(s) ${bad.join(', ')}; allowed: ${allowed.join(', ')}`);
        return spec === OPTIONS.httpmodules ? new Set(normalised) : normalised;
      }
      return items;
    }
  }
}

/** A DNS name (labels of letters, digits, hyphens; underscores as some internal names have) or an IP literal. */
const HOSTNAME = /^(?:(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?\.?|\[[0-9A-Fa-f:.]+\])$/;

/** scheme://host[:port], normalised (default port dropped, host in lower case); the server is always served from its root. */
function parseOrigin(value: string, where: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new ConfigError(`${where}: "${value}" is not a URL like https://cal.example.com or http://cal.example.com:8008 (no path: the server answers at /)`);
  }
  return url.origin;
}

/** Cyrus durations: a number with an optional unit suffix (s, m, h, d), combinable: "1d12h"; negative allowed. */
function parseDuration(value: string, where: string): number {
  const match = /^(-?)((?:\d+[smhd]?)+)$/.exec(value);
  if (!match) throw new ConfigError(`${where}: "${value}" is not a duration (e.g. 7d, 90m)`);
  let seconds = 0;
  for (const part of match[2]!.matchAll(/(\d+)([smhd]?)/g)) {
    seconds += Number(part[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[part[2] as '' | 's' | 'm' | 'h' | 'd'];
  }
  return match[1] === '-' ? -seconds : seconds;
}
