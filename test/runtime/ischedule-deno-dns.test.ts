// iSchedule's DNS on Deno (adapters/deno/dns.ts through Deno.resolveDns): a peer found by its
// _ischedules._tcp SRV record and a signing key read from a TXT record split into several strings,
// as DNS must carry a 2048-bit key, both asked of a name server the test runs, by a real Deno.
import { createSocket, type Socket } from 'node:dgram';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../protocol/ischedule/support.ts';
import { toBase64 } from '../../src/bytes/base64.ts';
import { importPrivateKey } from '../../src/ischedule/dkim.ts';
import { ROOT } from '../support/processes.ts';

const DENO = join(ROOT, 'node_modules/.bin/deno');
const dir = mkdtempSync(join(tmpdir(), 'orrery-deno-dns-'));
let server: Socket;
let port: number;
let publicKey: string;
/** A signature over "probe" by the key's private half: the key read from DNS must verify it. */
let probeSignature: string;
const asked: string[] = [];

beforeAll(async () => {
  const pair = await generateKeyPair();
  publicKey = pair.publicKey;
  const signingKey = await importPrivateKey(pair.privateKey);
  probeSignature = toBase64(new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', signingKey, new TextEncoder().encode('probe'))));
  const record = `v=DKIM1; k=rsa; p=${publicKey}`;
  const txt = [record.slice(0, 200), record.slice(200)];
  server = createSocket('udp4');
  server.on('message', (query, peer) => {
    const question = readQuestion(query);
    asked.push(`${question.type} ${question.name}`);
    let answer: Buffer | null = null;
    if (question.type === TYPE.TXT && question.name === 'orrery._domainkey.a.example') answer = Buffer.concat(txt.map((part) => Buffer.concat([Buffer.from([part.length]), Buffer.from(part)])));
    if (question.type === TYPE.SRV && question.name === '_ischedules._tcp.a.example') answer = Buffer.concat([u16(0), u16(0), u16(8443), encodeName('cal.a.example')]);
    server.send(response(query, question.end, question.type, answer), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  port = server.address().port;
});

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('iSchedule DNS on Deno', () => {
  it('finds a peer by SRV and its key by a multi-string TXT record; an unknown domain has neither', async () => {
    const script = join(dir, 'lookup.ts');
    writeFileSync(script, `
      import { denoDns } from ${JSON.stringify(join(ROOT, 'adapters/deno/dns.ts'))};
      import { parseConfig } from ${JSON.stringify(join(ROOT, 'src/config.ts'))};
      import { ischeduleSetup, peerFor, publicKeyFor } from ${JSON.stringify(join(ROOT, 'src/ischedule/peers.ts'))};
      const setup = ischeduleSetup(parseConfig({ httpmodules: 'caldav ischedule' }), denoDns({ ipAddr: '127.0.0.1', port: ${port} }));
      const key = await publicKeyFor(setup, 'a.example', 'orrery', ['dns/txt']);
      console.log(JSON.stringify({
        peer: await peerFor(setup, 'mailto:bob@a.example'),
        keyVerifies: key ? await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, Uint8Array.from(atob(${JSON.stringify(probeSignature)}), (c) => c.charCodeAt(0)), new TextEncoder().encode('probe')) : null,
        unknownPeer: await peerFor(setup, 'mailto:eve@c.example'),
        unknownKey: await publicKeyFor(setup, 'c.example', 'orrery', ['dns/txt']),
      }));
    `);
    // Asynchronously: the name server answers from this process while Deno runs.
    const run = await promisify(execFile)(DENO, ['run', '--config', join(ROOT, 'deno.json'), '--allow-net', '--allow-read', '--allow-env', script], {
      cwd: ROOT, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' }, encoding: 'utf8', timeout: 120_000,
    });
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(result).toEqual({ peer: 'https://cal.a.example:8443/.well-known/ischedule', keyVerifies: true, unknownPeer: null, unknownKey: null });
    expect(asked).toEqual(expect.arrayContaining([`${TYPE.SRV} _ischedules._tcp.a.example`, `${TYPE.TXT} orrery._domainkey.a.example`, `${TYPE.SRV} _ischedules._tcp.c.example`]));
  }, 150_000);
});

// --- A name server of a few lines (RFC 1035 §4) ---

const TYPE = { TXT: 16, SRV: 33 } as const;

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

function encodeName(name: string): Buffer {
  return Buffer.concat([...name.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])), Buffer.from([0])]);
}

function readQuestion(query: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let at = 12;
  while (query[at]! > 0) {
    labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString());
    at += query[at]! + 1;
  }
  return { name: labels.join('.').toLowerCase(), type: query.readUInt16BE(at + 1), end: at + 5 };
}

/** The answer to `query`: one record of `type` with `rdata`, or NXDOMAIN when there is none. */
function response(query: Buffer, questionEnd: number, type: number, rdata: Buffer | null): Buffer {
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(rdata ? 0x8180 : 0x8183, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rdata ? 1 : 0, 6);
  const question = query.subarray(12, questionEnd);
  if (!rdata) return Buffer.concat([header, question]);
  const record = Buffer.concat([u16(0xc00c), u16(type), u16(1), Buffer.from([0, 0, 0, 60]), u16(rdata.length), rdata]);
  return Buffer.concat([header, question, record]);
}
