// Base64 (RFC 4648 §4) and base64url without padding (§5), for password hashes, DKIM keys and
// signatures, Web Push keys, MIME parts and nonces. Written out with btoa/atob because src/ runs
// where Buffer does not exist (Workers); one copy serves every area.

export function toBase64(bytes: Uint8Array): string {
  // One character at a time: spreading a large array into fromCharCode would overflow the stack.
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The bytes of a base64 text (padding as written), or null when it is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of a base64url text (padding tolerated), or null when it is not base64url. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  const trimmed = text.trim().replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(trimmed) || trimmed.length % 4 === 1) return null;
  return fromBase64(trimmed.replace(/-/g, '+').replace(/_/g, '/'));
}
