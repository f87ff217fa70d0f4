// iSchedule discovery (SRV) and key lookup (TXT) through Deno's resolver (needs --allow-net). A
// name server can be named for tests; the server itself uses the system's resolver.
import type { DnsResolver } from '../../src/ischedule/peers.ts';

export function denoDns(nameServer?: { ipAddr: string; port: number }): DnsResolver {
  const options = nameServer ? { nameServer } : undefined;
  return {
    txt: (name) => Deno.resolveDns(name, 'TXT', options),
    srv: async (name) => (await Deno.resolveDns(name, 'SRV', options)).map((record) => ({ name: record.target.replace(/\.$/, ''), port: record.port })),
  };
}
