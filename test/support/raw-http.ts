// Requests fetch() cannot send (CONNECT, unknown methods, absolute-form targets with userinfo),
// written as raw bytes on a socket to a real server.
import { connect } from 'node:net';

/** Writes raw bytes to 127.0.0.1:port and collects everything until the server closes the connection. */
export function rawExchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer; got ${JSON.stringify(received)}`)));
  });
}
