/** What the start-up banner says about where the gateway listens. Binding beyond loopback
 * exposes the API (and the dashboard page) to the network: that must be said, loudly, with the
 * address actually bound (fastify's listen() answers a loopback URL even for 0.0.0.0). */
import type { AddressInfo } from 'node:net';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** `http://ADDRESS:PORT` of the bound socket (IPv6 in brackets). */
export function boundUrl(addr: AddressInfo | string | null, fallback: string): string {
  if (!addr || typeof addr === 'string') return fallback;
  const host = addr.family === 'IPv6' || addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  return `http://${host}:${addr.port}`;
}

/** Lines to print when the bind address is not loopback; empty otherwise. */
export function bindWarnings(address: string, demoKeyInUse: boolean): string[] {
  if (isLoopbackHost(address)) return [];
  const out = [
    `WARNING: listening on ${address}, not loopback: the API is reachable from the network. ` +
      'Put TLS in front (a reverse proxy), use per-client keys from the environment (apiKeyEnv), ' +
      'and restrict the port with a firewall (README: Security).',
  ];
  if (demoKeyInUse)
    out.push(
      'WARNING: the demo key (all roles, printed and public) is accepted on a non-loopback address: ' +
        'do not expose the embedded demo.',
    );
  return out;
}
