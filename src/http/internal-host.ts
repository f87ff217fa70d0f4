// Hosts a server must not be made to call on a user's say-so: loopback, private, link-local and
// unspecified addresses, and localhost names. A URL a client registers (a WebDAV-Push resource)
// is fetched by the server later; aimed at one of these, it would reach services that only trust
// the machine or its network. Only literal addresses and names are checked here: a public DNS
// name that resolves to a private address cannot be seen without resolving it, which the
// Workers runtime cannot do.

/** Whether a URL's hostname (as `URL.hostname` gives it, IPv6 in brackets) names an internal host. */
export function isInternalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host.startsWith('[') && host.endsWith(']')) return isInternalIpv6(host.slice(1, -1));
  const ipv4 = parseIpv4(host);
  return ipv4 !== null && isInternalIpv4(ipv4);
}

// --- Internal helpers ---

/** A dotted-quad IPv4 address (URL parsing has already normalised other spellings to it). */
function parseIpv4(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return null;
  return parts.map(Number);
}

function isInternalIpv4([a, b]: number[]): boolean {
  return a === 0 || a === 10 || a === 127 // this network, private, loopback
    || (a === 100 && b! >= 64 && b! <= 127) // shared address space (RFC 6598)
    || (a === 169 && b === 254) // link-local
    || (a === 172 && b! >= 16 && b! <= 31) // private
    || (a === 192 && b === 168); // private
}

function isInternalIpv6(address: string): boolean {
  if (address === '::' || address === '::1') return true;
  // IPv4-mapped (::ffff:a.b.c.d, which URL parsing writes as ::ffff:xxxx:xxxx).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (mapped) {
    const high = parseInt(mapped[1]!, 16);
    const low = parseInt(mapped[2]!, 16);
    return isInternalIpv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  }
  const first = parseInt(address.split(':')[0] || '0', 16);
  return (first & 0xfe00) === 0xfc00 // unique local fc00::/7
    || (first & 0xffc0) === 0xfe80; // link-local fe80::/10
}
