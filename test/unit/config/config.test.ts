// Configuration parsing: Cyrus-style files, environment variables, defaults, and errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configEntriesFromEnv, ConfigError, parseConfig, parseImapdConf } from '../../../src/config.ts';
import { configTableMarkdown } from '../../../src/config-doc.ts';

describe('configuration', () => {
  it('has Cyrus defaults', () => {
    const config = parseConfig();
    expect(config.caldav_allowscheduling).toBe('on');
    expect(config.caldav_allowcalendaradmin).toBe(false);
    expect(config.calendar_default_displayname).toBe('personal');
    expect(config.caldav_historical_age_seconds).toBe(7 * 86400);
    expect(config.caldav_maxdatetime).toBe('20380119T031407Z');
    expect([...config.httpmodules]).toEqual(['caldav', 'freebusy', 'tzdist']);
  });

  it('reads imapd.conf lines with comments', () => {
    const entries = parseImapdConf('# comment\ncaldav_allowscheduling: apple\n\nicalendar_max_size: 512K\ncaldav_historical_age: 1d12h\n');
    const config = parseConfig(entries);
    expect(config.caldav_allowscheduling).toBe('apple');
    expect(config.icalendar_max_size).toBe(512 * 1024);
    expect(config.caldav_historical_age_seconds).toBe(36 * 3600);
  });

  it('reads ORRERY_<OPTION> variables but not the adapter ones', () => {
    const entries = configEntriesFromEnv({ ORRERY_CALDAV_CREATE_ATTACH: 'off', ORRERY_PORT: '9000', ORRERY_DB: 'file:x.db', PATH: '/bin' });
    expect(entries).toEqual({ caldav_create_attach: 'off' });
    expect(parseConfig(entries).caldav_create_attach).toBe(false);
  });

  it.each([
    [{ no_such_option: '1' }, /unknown option "no_such_option"/],
    [{ caldav_allowscheduling: 'maybe' }, /not one of on, off, apple/],
    [{ caldav_create_default: 'perhaps' }, /not a switch/],
    [{ icalendar_max_size: 'big' }, /not a size/],
    [{ httpmodules: 'caldav carddav' }, /unknown value\(s\) carddav/],
    [{ caldav_maxdatetime: '2038-01-01' }, /not a UTC date-time/],
  ])('refuses %o with a clear message', (entries, message) => {
    expect(() => parseConfig(entries)).toThrow(ConfigError);
    expect(() => parseConfig(entries)).toThrow(message);
  });

  it('refuses a malformed line in a file, naming the line', () => {
    expect(() => parseImapdConf('caldav_realm: x\nthis is not an option\n', 'imapd.conf')).toThrow(/imapd.conf, line 2/);
  });

  it('README carries the current configuration table', () => {
    expect(readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')).toContain(configTableMarkdown());
  });
});

describe('login throttling options', () => {
  it('refuse settings that would switch throttling off silently', () => {
    expect(() => parseConfig({ failedloginlockout: '0' })).toThrow(ConfigError);
    expect(() => parseConfig({ failedloginlockout: '-5m' })).toThrow(/failedloginlockout/);
    expect(() => parseConfig({ failedloginpause: '-1s' })).toThrow(/failedloginpause/);
    expect(parseConfig({ failedloginlockout: '0', maxfailedlogins_per_user: '0', maxfailedlogins_per_host: '0' }).failedloginlockout_seconds).toBe(0);
  });
});
