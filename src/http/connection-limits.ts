// Limits on client connections, read from ORRERY_* variables by the Node and Deno adapters (on
// Workers the platform owns connections and applies its own limits). A client that trickles its
// headers or body a byte at a time, or opens connections and sends nothing, would otherwise hold
// a socket (and a file descriptor) for as long as it likes; enough of them exhaust the process.
import { ConfigError } from '../config.ts';

export interface ConnectionLimits {
  /** Time a client has to send a request's complete headers, from its first byte (or from connecting). */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request, headers and body. */
  requestTimeoutMs: number;
  /** Time an idle kept-alive connection stays open after a response. */
  keepAliveTimeoutMs: number;
  /** Connections served at once; 0: no limit. */
  maxConnections: number;
}

interface LimitSpec {
  key: keyof ConnectionLimits;
  unit: 'seconds' | 'count';
  default: number;
  description: string;
}

/** The variables, with their defaults and meaning (docs/deployment.md lists the same). */
export const CONNECTION_LIMIT_VARIABLES: Record<string, LimitSpec> = {
  // Headers are a few kilobytes, sent at once by every client: ten seconds leaves room for a slow
  // mobile link, and a connection that sends nothing at all is closed as soon.
  ORRERY_HEADERS_TIMEOUT: { key: 'headersTimeoutMs', unit: 'seconds', default: 10, description: 'Seconds a client has to send the headers of a request; connections that send nothing are closed after it too (408)' },
  // Calendar objects are small, but a 10 MB object (icalendar_max_size) or a WebDAV file needs
  // time on a slow uplink: two minutes is 700 kbit/s for 10 MB.
  ORRERY_REQUEST_TIMEOUT: { key: 'requestTimeoutMs', unit: 'seconds', default: 120, description: 'Seconds a client has to send a whole request, headers and body (408)' },
  // Node's own default; clients reopen a connection cheaply, and an idle one holds a descriptor.
  ORRERY_KEEPALIVE_TIMEOUT: { key: 'keepAliveTimeoutMs', unit: 'seconds', default: 5, description: 'Seconds an idle kept-alive connection stays open between requests' },
  // Well under the 1024 open files a process gets by default, leaving room for the database.
  ORRERY_MAX_CONNECTIONS: { key: 'maxConnections', unit: 'count', default: 500, description: 'Connections served at once; more are closed as they arrive (0: no limit). Keep it below the open-file limit (ulimit -n)' },
};

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = connectionLimitsFromEnv({});

/** The limits from ORRERY_HEADERS_TIMEOUT, ORRERY_REQUEST_TIMEOUT, ORRERY_KEEPALIVE_TIMEOUT and ORRERY_MAX_CONNECTIONS. */
export function connectionLimitsFromEnv(env: Record<string, string | undefined>): ConnectionLimits {
  const limits: Partial<ConnectionLimits> = {};
  for (const [variable, spec] of Object.entries(CONNECTION_LIMIT_VARIABLES)) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') {
      limits[spec.key] = spec.unit === 'seconds' ? spec.default * 1000 : spec.default;
      continue;
    }
    if (spec.unit === 'seconds') {
      const seconds = Number(raw);
      if (!/^\d+(\.\d+)?$/.test(raw) || seconds <= 0) throw new ConfigError(`${variable}: "${raw}" is not a number of seconds greater than 0`);
      limits[spec.key] = Math.round(seconds * 1000);
    } else {
      if (!/^\d+$/.test(raw)) throw new ConfigError(`${variable}: "${raw}" is not a whole number`);
      limits[spec.key] = Number(raw);
    }
  }
  const result = limits as ConnectionLimits;
  if (result.headersTimeoutMs > result.requestTimeoutMs) {
    throw new ConfigError(`ORRERY_HEADERS_TIMEOUT (${result.headersTimeoutMs / 1000}s) cannot be longer than ORRERY_REQUEST_TIMEOUT (${result.requestTimeoutMs / 1000}s), which includes the headers`);
  }
  return result;
}

/**
 * The limits as node:http server options (Node, and Deno through its node:http). node:http enforces
 * the header and request timeouts (408, then close) on a timer that scans the open connections,
 * every 30 seconds by default: a connection could outlive its timeout by that much. A quarter of
 * the shortest timeout, at most a second, keeps the overshoot small. The connection cap is the
 * server's `maxConnections` property, not an option.
 */
export function nodeHttpServerOptions(limits: ConnectionLimits): { headersTimeout: number; requestTimeout: number; keepAliveTimeout: number; connectionsCheckingInterval: number } {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}
