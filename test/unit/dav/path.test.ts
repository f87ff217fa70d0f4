// Decoded paths ↔ hrefs: encodePath must give an href that decodes back to the same path, using
// only characters a path segment may hold unencoded (RFC 3986 §3.3), whatever the member names.
import { describe, expect, it } from 'vitest';
import { decodePath, encodePath, joinPath } from '../../../src/dav/path.ts';

const PATH_CHARACTERS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$/;

describe('encodePath', () => {
  it('leaves plain paths as they are', () => {
    expect(encodePath('/dav/calendars/user/alice/Default/e42.ics')).toBe('/dav/calendars/user/alice/Default/e42.ics');
    expect(encodePath("/dav/drive/user/bob/a+b=c;d,e@f:g!h$i&j'k(l)m*n~o/")).toBe("/dav/drive/user/bob/a+b=c;d,e@f:g!h$i&j'k(l)m*n~o/");
  });

  it('percent-encodes what a path segment cannot hold', () => {
    expect(encodePath('/dav/calendars/user/alice/My calendar/100% sure?#1.ics')).toBe('/dav/calendars/user/alice/My%20calendar/100%25%20sure%3F%231.ics');
    expect(encodePath('/dav/calendars/user/zoë/Kalender/ü"<>.ics')).toBe('/dav/calendars/user/zo%C3%AB/Kalender/%C3%BC%22%3C%3E.ics');
  });

  it('round-trips every name through an href', () => {
    // Every character but the backslash, which paths refuse (decodePath), and the slash.
    const alphabet = ['a', 'Z', '0', '-', '.', '_', '~', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '=', ':', '@', ' ', '%', '?', '#', '"', '<', '>', '[', ']', '^', '`', '{', '|', '}', 'é', '€', '😀'];
    let seed = 7;
    const pick = () => alphabet[(seed = (seed * 48271) % 2147483647) % alphabet.length]!;
    for (let i = 0; i < 2000; i++) {
      const name = Array.from({ length: 1 + (i % 9) }, pick).join('');
      if (name === '.' || name === '..') continue;
      const path = joinPath(['dav', 'drive', 'user', 'alice', name], i % 2 === 0);
      const href = encodePath(path);
      expect(href, name).toMatch(PATH_CHARACTERS);
      const decoded = decodePath(href);
      expect(joinPath(decoded.segments, decoded.trailingSlash), name).toBe(path);
    }
  });
});
