// The storage contract on a real libSQL server (sqld, Turso) named by LIBSQL_TEST_URL, with
// LIBSQL_TEST_AUTH_TOKEN if it needs one. Skipped when the variable is not set.
import { createClient } from '@libsql/client';
import { describe, it } from 'vitest';
import { defineStoreContract } from './contract.ts';

const url = process.env.LIBSQL_TEST_URL;

if (url) {
  defineStoreContract(`libSQL server at ${url}`, async () => {
    const client = createClient({ url, ...(process.env.LIBSQL_TEST_AUTH_TOKEN ? { authToken: process.env.LIBSQL_TEST_AUTH_TOKEN } : {}) });
    return {
      db: client,
      close: async () => client.close(),
    };
  });
} else {
  describe('Store contract on a libSQL server', () => {
    it.skip('needs LIBSQL_TEST_URL (e.g. http://127.0.0.1:8080 for a local sqld)', () => undefined);
  });
}
