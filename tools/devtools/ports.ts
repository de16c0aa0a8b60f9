/** Local port helpers for the dev stack: keep the usual port when it is free, else take any free one. */
import net from 'node:net';

function tryListen(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** True when nothing listens on `port` (checked on 127.0.0.1). */
export async function isPortFree(port: number): Promise<boolean> {
  return (await tryListen(port, '127.0.0.1')) !== undefined;
}

/** A port the OS says is free right now. */
export async function freePort(): Promise<number> {
  const port = await tryListen(0, '127.0.0.1');
  if (port === undefined) throw new Error('no free local port');
  return port;
}

/** `preferred` when free, else a free port; never one of `avoid`. `0` means any free port. */
export async function preferredOrFreePort(preferred: number, avoid: number[] = []): Promise<number> {
  if (preferred > 0 && !avoid.includes(preferred) && (await isPortFree(preferred))) return preferred;
  for (;;) {
    const port = await freePort();
    if (!avoid.includes(port)) return port;
  }
}
