// Who sent a received iSchedule message (draft-desruisseaux-ischedule §7.3): its DKIM signature is
// checked against the signer's published or exchanged key, the signing domain must be the
// Originator's, the signature must be current, and its message ID must not have been seen before.
import type { AppDeps } from '../dav/context.ts';
import { DkimError, parseSignature, verifySignature } from './dkim.ts';
import { IscheduleError } from './errors.ts';
import { domainOf, publicKeyFor, type IscheduleSetup } from './peers.ts';

/** Seconds of clock difference between servers tolerated on t= and x=. */
const CLOCK_SKEW_S = 300;

/** Returns the domain the message speaks for; throws IscheduleError when it may not be believed. */
export async function authenticateMessage(deps: AppDeps, setup: IscheduleSetup, headers: Headers, body: string, originator: string): Promise<string> {
  const originatorDomain = domainOf(originator);
  if (!originatorDomain) throw new IscheduleError('originator-invalid', 'The Originator must be a mailto: address');
  const header = headers.get('dkim-signature');
  if (header === null) {
    if (deps.config.ischedule_dkim_required) throw new IscheduleError('verification-failed', 'The message carries no DKIM-Signature');
    return originatorDomain;
  }
  const nowS = Math.floor(deps.now() / 1000);
  let domain: string;
  let expires: number;
  try {
    const tags = parseSignature(header);
    domain = tags.domain;
    // The signer vouches only for its own domain's users (draft §7.3: d= must match the Originator).
    if (domain !== originatorDomain) throw new IscheduleError('originator-denied', `The message is signed for ${domain}, but its Originator is in ${originatorDomain}`);
    if (tags.timestamp !== null && tags.timestamp > nowS + CLOCK_SKEW_S) throw new DkimError('The signature is dated in the future (t=)');
    expires = tags.expires ?? (tags.timestamp ?? nowS) + deps.config.ischedule_signature_lifetime_seconds;
    if (expires + CLOCK_SKEW_S < nowS) throw new DkimError('The signature has expired (x=)');
    const key = await publicKeyFor(setup, domain, tags.selector, tags.queryMethods);
    if (!key) throw new DkimError(`No public key is known for ${tags.selector}._domainkey.${domain}`);
    await verifySignature(headers, body, header, tags, key);
  } catch (error) {
    if (error instanceof IscheduleError) throw error;
    if (error instanceof DkimError) throw new IscheduleError('verification-failed', error.message);
    // A key that will not import is the signer's mistake, not ours.
    throw new IscheduleError('verification-failed', `The signature could not be checked: ${error instanceof Error ? error.message : String(error)}`);
  }
  const messageId = headers.get('ischedule-message-id');
  if (!messageId) throw new IscheduleError('verification-failed', 'A signed message needs an iSchedule-Message-ID');
  if (!(await deps.store.ischedule.remember(domain, messageId, (expires + CLOCK_SKEW_S) * 1000, deps.now()))) {
    throw new IscheduleError('verification-failed', `Message ${messageId} from ${domain} was received before (a replay)`);
  }
  return domain;
}
