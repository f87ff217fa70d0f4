// Node-side settings: the database URL, listen address and AppConfig from the environment and
// an optional imapd.conf-style file. Every adapter reads the same ORRERY_* variables.
import { readFileSync } from 'node:fs';
import { configEntriesFromEnv, parseConfig, parseImapdConf, type AppConfig } from '../../src/config.ts';
import { connectionLimitsFromEnv, type ConnectionLimits } from '../../src/http/connection-limits.ts';
import { DEFAULT_DB_URL, type DatabaseSettings } from './database.ts';

export interface NodeSettings {
  host: string;
  port: number;
  database: DatabaseSettings;
  config: AppConfig;
  /** Timeouts and the connection cap; the defaults of src/http/connection-limits.ts when absent. */
  connections?: ConnectionLimits;
}

export function loadSettings(env: NodeJS.ProcessEnv, flags: { host?: string; port?: string; db?: string; config?: string } = {}): NodeSettings {
  const file = flags.config ?? env.ORRERY_CONFIG;
  const fromFile = file ? parseImapdConf(readFileSync(file, 'utf8'), file) : {};
  let config = parseConfig({ ...fromFile, ...configEntriesFromEnv(env) }, file ? `${file} and environment` : 'environment');
  // The core reads no files: the iSchedule key file is read here and handed over as the key itself.
  if (config.ischedule_dkim_key_file && !config.ischedule_dkim_key) config = { ...config, ischedule_dkim_key: readFileSync(config.ischedule_dkim_key_file, 'utf8') };
  const port = Number(flags.port ?? env.ORRERY_PORT ?? 8008);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port "${flags.port ?? env.ORRERY_PORT}"`);
  return {
    host: flags.host ?? env.ORRERY_HOST ?? '127.0.0.1',
    port,
    database: { url: flags.db ?? env.ORRERY_DB ?? DEFAULT_DB_URL, authToken: env.ORRERY_DB_AUTH_TOKEN, syncUrl: env.ORRERY_DB_SYNC_URL },
    config,
    connections: connectionLimitsFromEnv(env),
  };
}
