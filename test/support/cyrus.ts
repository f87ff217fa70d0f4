// A private Cyrus IMAP 3.6 server (Debian's cyrus-imapd and cyrus-caldav packages) for interop
// tests: its own configuration, spool and SASL database in a temporary folder, HTTP (CalDAV and
// iSchedule) and IMAP on free loopback ports, run as the cyrus user the packages create. Users are
// made the way a Cyrus administrator makes them: a SASL password and an IMAP CREATE of user/<name>,
// after which the first CalDAV request provisions the calendars.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, type ServerProcess } from './processes.ts';

export const CYRUS_MASTER = '/usr/lib/cyrus/bin/master';
const ADMIN = 'admin';

export interface CyrusServer {
  process: ServerProcess;
  httpUrl: string;
  domain: string;
  password: string;
  /** Gives `user` a password and a mailbox, and provisions their calendars by a first CalDAV request. */
  addUser(user: string): Promise<void>;
  /** Runs IMAP commands as the Cyrus administrator (SETACL, say), each of which must answer OK. */
  admin(commands: string[]): Promise<void>;
  /** An authenticated request to the Cyrus HTTP service. */
  dav(user: string, method: string, path: string, body?: string, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts Cyrus in a new temporary folder (readable by the cyrus user), which `stop` removes. */
export async function startCyrus(domain: string, options: { password?: string } = {}): Promise<CyrusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-cyrus-'));
  const password = options.password ?? 'cyrus-secret';
  const [httpPort, imapPort] = [await freePort(), await freePort()];
  for (const sub of ['conf', 'conf/socket', 'spool', 'sieve', 'run']) mkdirSync(join(dir, sub), { recursive: true });
  const config = join(dir, 'imapd.conf');
  writeFileSync(config, [
    `configdirectory: ${dir}/conf`,
    `partition-default: ${dir}/spool`,
    `sievedir: ${dir}/sieve`,
    `admins: ${ADMIN}`,
    `servername: ${domain}`,
    `defaultdomain: ${domain}`,
    'sasl_pwcheck_method: auxprop',
    'sasl_auxprop_plugin: sasldb',
    `sasl_sasldb_path: ${dir}/sasldb2`,
    'sasl_mech_list: PLAIN',
    'allowplaintext: yes',
    'httpmodules: caldav ischedule freebusy',
    'caldav_allowscheduling: on',
    // Debian builds Cyrus without OpenDKIM (its iSchedule signing needs a patched one), so this
    // Cyrus cannot check a signature: it takes messages unsigned, and ignores the DKIM-Signature.
    'ischedule_dkim_required: 0',
    `lmtpsocket: ${dir}/run/lmtp`,
    `idlesocket: ${dir}/run/idle`,
    `notifysocket: ${dir}/run/notify`,
    `syslog_prefix: cyrus-${httpPort}`,
    '',
  ].join('\n'));
  const services = join(dir, 'cyrus.conf');
  writeFileSync(services, [
    'START {',
    `  recover cmd="ctl_cyrusdb -r -C ${config}"`,
    '}',
    'SERVICES {',
    `  imap cmd="imapd -C ${config}" listen="127.0.0.1:${imapPort}" prefork=0`,
    `  http cmd="httpd -C ${config}" listen="127.0.0.1:${httpPort}" prefork=1`,
    '}',
    '',
  ].join('\n'));
  const sasl = join(dir, 'sasldb2');
  setPassword(sasl, domain, ADMIN, password);
  const owner = cyrusIds();
  chownTree(dir, owner);
  const master = await startProcess({
    command: 'su',
    args: ['cyrus', '-s', '/bin/sh', '-c', `exec ${CYRUS_MASTER} -C ${config} -M ${services} -p ${dir}/run/master.pid -D`],
    cwd: dir,
    env: {},
    baseUrl: `http://127.0.0.1:${httpPort}/`,
  });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const auth = (user: string) => `Basic ${btoa(`${user}:${password}`)}`;
  const dav: CyrusServer['dav'] = (user, method, path, body, headers = {}) =>
    fetch(new URL(path, httpUrl), { method, headers: { Authorization: auth(user), 'Content-Type': 'text/calendar', ...headers }, ...(body === undefined ? {} : { body }) });
  return {
    process: master,
    httpUrl,
    domain,
    password,
    async addUser(user) {
      setPassword(sasl, domain, user, password);
      chownSync(sasl, owner.uid, owner.gid);
      await imapAdmin(imapPort, password, [`CREATE user/${user}`]);
      const provisioned = await dav(user, 'PROPFIND', `/dav/calendars/user/${user}/`, undefined, { Depth: '0' });
      if (provisioned.status !== 207) throw new Error(`Cyrus did not provision ${user}'s calendars: ${provisioned.status} ${await provisioned.text()}`);
    },
    admin: (commands) => imapAdmin(imapPort, password, commands),
    dav,
    async stop() {
      await master.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Why this machine cannot run the private Cyrus, or null when it can (packages there, and root to become cyrus). */
export function cyrusAvailable(): string | null {
  if (!existsSync(CYRUS_MASTER) || !existsSync('/usr/lib/cyrus/bin/httpd')) return 'Debian\'s cyrus-imapd and cyrus-caldav are not installed';
  if (process.getuid?.() !== 0) return 'starting Cyrus as the cyrus user needs root';
  return null;
}

// --- Internal helpers ---

function setPassword(sasl: string, domain: string, user: string, password: string): void {
  execFileSync('saslpasswd2', ['-p', '-c', '-f', sasl, '-u', domain, user], { input: password });
}

function cyrusIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'cyrus']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

function chownTree(dir: string, owner: { uid: number; gid: number }): void {
  execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, dir]);
}

/** Logs in to Cyrus's IMAP service as the administrator and runs `commands`, each of which must answer OK. */
async function imapAdmin(port: number, password: string, commands: string[]): Promise<void> {
  const socket = createConnection({ host: '127.0.0.1', port });
  let buffer = '';
  const waiting: Array<{ tag: string; resolve: (line: string) => void }> = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const next = waiting[0];
      if (next && line.startsWith(`${next.tag} `)) {
        waiting.shift();
        next.resolve(line);
      }
    }
  });
  const closed = new Promise<never>((_, reject) => socket.once('error', reject));
  const run = (tag: string, command: string) => {
    const answer = new Promise<string>((resolve) => waiting.push({ tag, resolve }));
    socket.write(`${tag} ${command}\r\n`);
    return Promise.race([answer, closed]);
  };
  try {
    const steps = [`LOGIN ${ADMIN} ${password}`, ...commands, 'LOGOUT'];
    for (const [index, command] of steps.entries()) {
      const answer = await run(`a${index}`, command);
      if (!/^a\d+ (OK|BYE)/.test(answer) && command !== 'LOGOUT') throw new Error(`Cyrus IMAP refused "${command}": ${answer}`);
    }
  } finally {
    socket.destroy();
  }
}
