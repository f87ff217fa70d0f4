// The `orrery` command: serve, user administration, time-zone data builds and reindexing.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { reindexCalendarObjects } from '../../src/caldav/reindex.ts';
import { ConfigError } from '../../src/config.ts';
import { addUser, deleteUser, setPassword, UserAdminError } from '../../src/users.ts';
import { hashPassword } from '../../src/http/password.ts';
import { ACL_USAGE, runAclCommand } from './cli-acl.ts';
import { ISCHEDULE_USAGE, runIscheduleCommand } from './cli-ischedule.ts';
import { openDatabase } from './database.ts';
import { startServer } from './server.ts';
import { loadSettings } from './settings.ts';

const USAGE = `Usage:
  orrery serve [--host H] [--port P] [--db URL] [--config FILE]
  orrery user add NAME [--password PW] [--email ADDR] [--db URL]
  orrery user passwd NAME [--password PW] [--db URL]
  orrery user del NAME [--db URL]
  orrery user list [--db URL]
  orrery user hash [--password PW]      print a password hash (for adding users to a D1 database)
  orrery tz build [--input DIR] [--version "IANA Time Zone Database:2026f"]
  orrery reindex [--db URL] [--config FILE]
                                        recompute the time-range index of every calendar object
                                        (after an upgrade; yearly for long unbounded series)
${ISCHEDULE_USAGE}
${ACL_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  if ((argv[0] === 'acl' || argv[0] === 'calendar') && !argv.includes('--help') && !argv.includes('-h')) return runAclCommand(argv);
  if (argv[0] === 'ischedule') return runIscheduleCommand(argv);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string' }, port: { type: 'string' }, db: { type: 'string' }, config: { type: 'string' },
      password: { type: 'string' }, email: { type: 'string' }, input: { type: 'string' }, version: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, name] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const settings = () => loadSettings(process.env, values);
  if (command === 'serve') {
    const server = await startServer(settings(), { bootstrap: { user: process.env.ORRERY_BOOTSTRAP_USER, password: process.env.ORRERY_BOOTSTRAP_PASSWORD } });
    console.log(`Orrery listening on http://${settings().host}:${server.port}/`);
    const stop = async () => {
      console.log('Shutting down');
      await server.close();
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    return -1;
  }
  if (command === 'tz' && sub === 'build') {
    const builder = (await import('../../scripts/tz/build.ts')) as { runTzBuild(args: string[]): Promise<void> };
    await builder.runTzBuild(argv.slice(2));
    return 0;
  }
  if (command === 'reindex') {
    const loaded = settings();
    const { store, client } = await openDatabase(loaded.database);
    try {
      const summary = await reindexCalendarObjects(store, loaded.config, Date.now());
      console.log(`Reindexed ${summary.reindexed} of ${summary.objects} calendar objects${summary.skipped ? ` (${summary.skipped} changed meanwhile or could not be read, left as they were)` : ''}`);
      return 0;
    } finally {
      client.close();
    }
  }
  if (command === 'user' && sub === 'hash') {
    console.log(await hashPassword(values.password ?? (await promptPassword())));
    return 0;
  }
  if (command === 'user') {
    const { store, client } = await openDatabase(settings().database);
    try {
      switch (sub) {
        case 'add':
          await addUser(store, requireName(name), values.password ?? (await promptPassword()), values.email ?? null, Date.now());
          console.log(`Added user ${name}`);
          return 0;
        case 'passwd':
          await setPassword(store, requireName(name), values.password ?? (await promptPassword()));
          console.log(`Changed the password of ${name}`);
          return 0;
        case 'del':
          await deleteUser(store, requireName(name));
          console.log(`Deleted user ${name} and their calendars`);
          return 0;
        case 'list':
          for (const user of await store.users.list()) console.log(user.email ? `${user.name}\t${user.email}` : user.name);
          return 0;
      }
    } finally {
      client.close();
    }
  }
  console.error(USAGE);
  return 1;
}

function requireName(name: string | undefined): string {
  if (!name) throw new UserAdminError('A user name is required');
  return name;
}

async function promptPassword(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY });
  try {
    return await new Promise<string>((resolve) => rl.question('Password: ', resolve));
  } finally {
    rl.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof UserAdminError || error instanceof ConfigError) console.error(`orrery: ${error.message}`);
    else console.error(error);
    process.exit(1);
  },
);
