// The bundled leap-second table (IERS leap-seconds.list), for the TZDist leapseconds action
// (RFC 7808 §5.6) and TZif files with leap-second records (RFC 8536 §3.2).
import {
  LEAP_SECONDS,
  LEAP_SECONDS_EXPIRES_UTC_SECONDS,
  LEAP_SECONDS_UPDATED_UTC_SECONDS,
} from './generated/leap-seconds.ts';

export interface LeapSecond {
  /** The instant from which `taiOffset` applies, seconds since 1970 UTC. */
  onsetUtcSeconds: number;
  /** TAI − UTC in seconds from the onset on (10 at the 1972 baseline). */
  taiOffset: number;
}

export const LEAP_SECONDS_EXPIRES_UTC_MS = LEAP_SECONDS_EXPIRES_UTC_SECONDS * 1000;
export const LEAP_SECONDS_UPDATED_UTC_MS = LEAP_SECONDS_UPDATED_UTC_SECONDS * 1000;

export const LEAP_SECOND_TABLE: readonly LeapSecond[] = Object.freeze(
  LEAP_SECONDS.map(([onsetUtcSeconds, taiOffset]) => Object.freeze({ onsetUtcSeconds, taiOffset })),
);
