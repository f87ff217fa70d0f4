// `orrery ischedule keygen`: creates an iSchedule signing key pair (RSA 2048, WebCrypto), saves the
// private key as PEM, and prints what peers need: the DNS TXT record and the peer-table lines.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { toBase64 } from '../../src/bytes/base64.ts';

export const ISCHEDULE_USAGE = `  orrery ischedule keygen --domain D [--selector orrery] [--out FILE] [--url URL]
                                        create an iSchedule signing key; prints the DNS TXT
                                        record and the ischedule_peers / ischedule_peer_keys
                                        items for the other servers' configuration`;

export async function runIscheduleCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv.slice(1),
    allowPositionals: true,
    options: { domain: { type: 'string' }, selector: { type: 'string' }, out: { type: 'string' }, url: { type: 'string' } },
  });
  if (positionals[0] !== 'keygen' || !values.domain) {
    console.error(`Usage:\n${ISCHEDULE_USAGE}`);
    return 1;
  }
  const selector = values.selector ?? 'orrery';
  const pair = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const privateKey = toBase64(new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey)));
  const publicKey = toBase64(new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)));
  const pem = `-----BEGIN PRIVATE KEY-----\n${privateKey.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  if (values.out) {
    writeFileSync(values.out, pem, { mode: 0o600 });
    console.log(`# Private key written to ${values.out}; set ischedule_dkim_key_file: ${values.out}`);
  } else {
    console.log(`# Private key (ischedule_dkim_key, or save it and set ischedule_dkim_key_file):\n${pem}`);
  }
  console.log(`# This server: ischedule_dkim_domain: ${values.domain}   ischedule_dkim_selector: ${selector}`);
  console.log('# DNS TXT record:');
  console.log(`${selector}._domainkey.${values.domain}. IN TXT "v=DKIM1; k=rsa; p=${publicKey}"`);
  console.log('# For the other servers (ischedule_peers, ischedule_peer_keys):');
  console.log(`${values.domain}=${values.url ?? 'https://<this server>'}`);
  console.log(`${selector}._domainkey.${values.domain}=${publicKey}`);
  return 0;
}
