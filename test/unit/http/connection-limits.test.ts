// The connection-limit variables every adapter reads (src/http/connection-limits.ts): defaults,
// units, and the values refused at start with a message naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, configEntriesFromEnv } from '../../../src/config.ts';
import { connectionLimitsFromEnv, DEFAULT_CONNECTION_LIMITS } from '../../../src/http/connection-limits.ts';

describe('connection limits', () => {
  it('defaults: 10 s for headers, 120 s for a whole request, 5 s keep-alive, 500 connections', () => {
    expect(DEFAULT_CONNECTION_LIMITS).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 120_000, keepAliveTimeoutMs: 5_000, maxConnections: 500 });
  });

  it('reads seconds (fractions allowed) and a connection count; 0 connections means no cap', () => {
    const limits = connectionLimitsFromEnv({ ORRERY_HEADERS_TIMEOUT: '2.5', ORRERY_REQUEST_TIMEOUT: '30', ORRERY_KEEPALIVE_TIMEOUT: '1', ORRERY_MAX_CONNECTIONS: '0' });
    expect(limits).toEqual({ headersTimeoutMs: 2_500, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 1_000, maxConnections: 0 });
  });

  it('refuses values that are not numbers, zero timeouts, and a header timeout longer than the request timeout', () => {
    expect(() => connectionLimitsFromEnv({ ORRERY_HEADERS_TIMEOUT: '10s' })).toThrow(/ORRERY_HEADERS_TIMEOUT: "10s"/);
    expect(() => connectionLimitsFromEnv({ ORRERY_KEEPALIVE_TIMEOUT: '0' })).toThrow(ConfigError);
    expect(() => connectionLimitsFromEnv({ ORRERY_MAX_CONNECTIONS: '-1' })).toThrow(/ORRERY_MAX_CONNECTIONS/);
    expect(() => connectionLimitsFromEnv({ ORRERY_HEADERS_TIMEOUT: '30', ORRERY_REQUEST_TIMEOUT: '20' })).toThrow(/cannot be longer than ORRERY_REQUEST_TIMEOUT/);
  });

  it('are adapter variables, not server options', () => {
    expect(configEntriesFromEnv({ ORRERY_HEADERS_TIMEOUT: '5', ORRERY_MAX_CONNECTIONS: '10', ORRERY_SERVERNAME: 'x' })).toEqual({ servername: 'x' });
  });
});
