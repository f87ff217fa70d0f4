// Deno-side settings: the same ORRERY_* variables and imapd.conf-style file as the Node adapter,
// read through Deno's own APIs.
import { configEntriesFromEnv, parseConfig, parseImapdConf, type AppConfig } from '../../src/config.ts';
import { connectionLimitsFromEnv, type ConnectionLimits } from '../../src/http/connection-limits.ts';

export const DEFAULT_DB_URL = 'file:data/orrery.db';

export interface DenoSettings {
  host: string;
  port: number;
  database: { url: string; authToken?: string | undefined; syncUrl?: string | undefined };
  config: AppConfig;
  connections: ConnectionLimits;
  bootstrap: { user?: string | undefined; password?: string | undefined };
}

export function loadSettings(env: Record<string, string>): DenoSettings {
  const file = env.ORRERY_CONFIG;
  const fromFile = file ? parseImapdConf(Deno.readTextFileSync(file), file) : {};
  let config = parseConfig({ ...fromFile, ...configEntriesFromEnv(env) }, file ? `${file} and environment` : 'environment');
  // The core reads no files: the iSchedule key file is read here and handed over as the key itself.
  if (config.ischedule_dkim_key_file && !config.ischedule_dkim_key) config = { ...config, ischedule_dkim_key: Deno.readTextFileSync(config.ischedule_dkim_key_file) };
  const port = Number(env.ORRERY_PORT ?? 8008);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port "${env.ORRERY_PORT}"`);
  return {
    host: env.ORRERY_HOST ?? '127.0.0.1',
    port,
    database: { url: env.ORRERY_DB ?? DEFAULT_DB_URL, authToken: env.ORRERY_DB_AUTH_TOKEN, syncUrl: env.ORRERY_DB_SYNC_URL },
    config,
    connections: connectionLimitsFromEnv(env),
    bootstrap: { user: env.ORRERY_BOOTSTRAP_USER, password: env.ORRERY_BOOTSTRAP_PASSWORD },
  };
}
