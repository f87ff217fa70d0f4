import { describe, expect, it } from 'vitest';
import {
  ALL_RIGHTS,
  InvalidAcl,
  InvalidRights,
  aclEntry,
  formatAclListing,
  formatAclString,
  formatRights,
  hasAllRights,
  hasAnyRight,
  intersectRights,
  modifyRights,
  parseAclString,
  parseRights,
  setAclEntry,
  subtractRights,
  unionRights,
} from '../../../src/acl/rights.ts';

describe('RFC 4314 §2.1 rights letters', () => {
  it('normalises to the canonical order lrswipkxtean987 without duplicates', () => {
    expect(parseRights('9nae7txkpiwsr8l')).toBe('lrswipkxtean987');
    expect(parseRights('rlrl')).toBe('lr');
    expect(parseRights('')).toBe('');
    expect(ALL_RIGHTS).toBe('lrswipkxtean987');
  });

  it('gives equal sets equal values, whatever the input order', () => {
    expect(parseRights('9rl')).toBe(parseRights('lr9'));
  });

  it.each([
    ['lrz', 'z'],
    ['lrw0', '0'],
    ['6', '6'],
    ['LR', 'L'],
    ['l r', ' '],
  ])('rejects "%s", naming the unknown letter %j', (text, letter) => {
    let caught: unknown;
    try {
      parseRights(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRights);
    expect((caught as InvalidRights).letter).toBe(letter);
    expect((caught as InvalidRights).message).toContain(`'${letter}'`);
  });

  it.each([
    ['c', 'kx'],
    ['d', 'te'],
    ['lrcd', 'lrkxte'],
    ['ck', 'k'],
    ['cx', 'x'],
    ['dt', 't'],
    ['de', 'e'],
  ])('reads the RFC 2086 macro in "%s" as Cyrus does (deleteright c): %s', (text, expected) => {
    expect(parseRights(text)).toBe(parseRights(expected));
  });

  it('never writes the legacy macros back', () => {
    expect(formatRights('lrcd')).toBe('lrkxte');
  });

  it('combines sets', () => {
    expect(unionRights('lr', '9', 'rw')).toBe('lrw9');
    expect(unionRights()).toBe('');
    // A legacy macro expands by the letters of its own set, not by those of the other sets.
    expect(unionRights('c', 'k')).toBe('kx');
    expect(unionRights('lrd', 't')).toBe('lrte');
    expect(subtractRights('lrwi', 'wx')).toBe('lri');
    expect(intersectRights('lrwi', 'iw9')).toBe('wi');
    expect(hasAllRights('lrw', 'rl')).toBe(true);
    expect(hasAllRights('lrw', 'lri')).toBe(false);
    expect(hasAllRights('lrw', '')).toBe(true);
    expect(hasAnyRight('lrw', 'ix')).toBe(false);
    expect(hasAnyRight('lrw', 'iw')).toBe(true);
  });

  it('applies SETACL-style changes (RFC 4314 §3.1): +adds, -removes, bare replaces', () => {
    expect(modifyRights('lr', '+w9')).toBe('lrw9');
    expect(modifyRights('lrw9', '-w')).toBe('lr9');
    expect(modifyRights('lrw9', 'i')).toBe('i');
    expect(() => modifyRights('lr', '+q')).toThrow(InvalidRights);
  });
});

describe('Cyrus ACL text (identifier TAB rights TAB …)', () => {
  const stored = 'alice\tlrwipkxtean9\tanyone\t9\t-bob\tw\tgroup:staff\tlr\t';

  it('parses positive, negative and group entries in order', () => {
    expect(parseAclString(stored)).toEqual([
      { identifier: 'alice', rights: 'lrwipkxtean9', negative: false },
      { identifier: 'anyone', rights: '9', negative: false },
      { identifier: 'bob', rights: 'w', negative: true },
      { identifier: 'group:staff', rights: 'lr', negative: false },
    ]);
  });

  it('formats back to the same text, with the trailing tab Cyrus stores', () => {
    expect(formatAclString(parseAclString(stored))).toBe(stored);
  });

  it('accepts text without the trailing tab and normalises the rights', () => {
    expect(formatAclString(parseAclString('bob\trl'))).toBe('bob\tlr\t');
    expect(parseAclString('')).toEqual([]);
  });

  it('rejects an identifier without rights', () => {
    expect(() => parseAclString('alice\tlr\tbob')).toThrow(InvalidAcl);
  });

  it('rejects unknown rights letters inside the text', () => {
    expect(() => parseAclString('alice\tlrq\t')).toThrow(/'q'/);
  });

  it.each(['', '-', 'group:', 'a b', 'tab\there', '--bob'])('rejects the identifier %j', (identifier) => {
    expect(() => aclEntry(identifier, 'lr')).toThrow(InvalidAcl);
  });

  it('reads a leading minus as a negative entry', () => {
    expect(aclEntry('-bob', 'wl')).toEqual({ identifier: 'bob', rights: 'lw', negative: true });
  });

  it('lists entries readably for the command line', () => {
    expect(formatAclListing(parseAclString(stored))).toBe(
      [
        'alice        lrwipkxtean9',
        'anyone       9',
        '-bob         w',
        'group:staff  lr',
      ].join('\n'),
    );
  });
});

describe('setting one entry (Cyrus cyrus_acl_set)', () => {
  const acl = parseAclString('alice\tlr\tanyone\t9\t');

  it('replaces an existing entry in place', () => {
    expect(formatAclString(setAclEntry(acl, 'alice', 'lrw'))).toBe('alice\tlrw\tanyone\t9\t');
  });

  it('appends a new entry, keeping positive and negative entries apart', () => {
    expect(formatAclString(setAclEntry(acl, '-alice', 'w'))).toBe('alice\tlr\tanyone\t9\t-alice\tw\t');
  });

  it('removes an entry set to no rights', () => {
    expect(formatAclString(setAclEntry(acl, 'anyone', ''))).toBe('alice\tlr\t');
    expect(setAclEntry(acl, 'nobody', '')).toEqual(acl);
  });
});
