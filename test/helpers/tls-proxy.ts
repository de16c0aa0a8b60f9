/**
 * A TLS front for a plaintext Temporal dev server (which has no TLS flags of its own): a private CA
 * and a server certificate made with openssl for this test run, and a proxy that terminates TLS
 * (ALPN h2, as gRPC needs) and pipes the bytes to the server.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface TestCertificates {
  dir: string;
  /** The CA to trust (TEMPORAL_TLS_SERVER_CA_CERT_PATH). */
  caPath: string;
  certPath: string;
  keyPath: string;
}

/** A CA and a server certificate for `localhost` and 127.0.0.1, valid one day. */
export function makeCertificates(): TestCertificates {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-tls-'));
  const p = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=obc test CA',
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.pem'),
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    p('server.key'),
    '-out',
    p('server.csr'),
  );
  fs.writeFileSync(
    p('server.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    p('server.ext'),
    '-out',
    p('server.pem'),
  );
  return { dir, caPath: p('ca.pem'), certPath: p('server.pem'), keyPath: p('server.key') };
}

export interface TlsProxy {
  /** `127.0.0.1:<port>`: a TLS endpoint in front of the dev server. */
  address: string;
  /** TLS handshakes completed: proves clients really spoke TLS. */
  handshakes(): number;
  close(): Promise<void>;
}

export async function startTlsProxy(upstream: string, certs: TestCertificates): Promise<TlsProxy> {
  const [host, port] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.split(':').pop())];
  let handshakes = 0;
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    { key: fs.readFileSync(certs.keyPath), cert: fs.readFileSync(certs.certPath), ALPNProtocols: ['h2'] },
    (client) => {
      handshakes++;
      const up = net.connect(port, host === 'localhost' ? '127.0.0.1' : host);
      for (const s of [client, up]) {
        sockets.add(s);
        s.on('error', () => s.destroy());
        s.on('close', () => sockets.delete(s));
      }
      client.on('close', () => up.destroy());
      up.on('close', () => client.destroy());
      client.pipe(up).pipe(client);
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: listening } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${listening}`,
    handshakes: () => handshakes,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
