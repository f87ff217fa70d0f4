import { describe, expect, it } from 'vitest';
import { isInternalHost } from '../../../src/http/internal-host.ts';

/** The hostname as the server sees it: through URL parsing, which normalises odd IPv4 spellings. */
const host = (url: string) => new URL(url).hostname;

describe('isInternalHost', () => {
  it.each([
    'https://localhost/', 'https://push.localhost/', 'https://127.0.0.1/', 'https://127.1/', 'https://0x7f000001/',
    'https://10.0.0.8/', 'https://172.16.0.1/', 'https://172.31.255.255/', 'https://192.168.1.1/', 'https://169.254.169.254/',
    'https://100.64.0.1/', 'https://0.0.0.0/', 'https://[::1]/', 'https://[::]/', 'https://[fd12:3456::1]/', 'https://[fe80::1]/',
    'https://[::ffff:127.0.0.1]/', 'https://[::ffff:10.0.0.1]/',
  ])('refuses %s', (url) => expect(isInternalHost(host(url))).toBe(true));

  it.each([
    'https://push.example.net/', 'https://fcm.googleapis.com/', 'https://8.8.8.8/', 'https://172.32.0.1/', 'https://100.128.0.1/',
    'https://[2001:db8::1]/', 'https://[::ffff:8.8.8.8]/', 'https://localhost.example.com/',
  ])('allows %s', (url) => expect(isInternalHost(host(url))).toBe(false));
});
