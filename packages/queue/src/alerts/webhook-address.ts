import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DataBridgeError } from '@databridge/engine';

/** Set to 1 to let alert webhooks call loopback, private and link-local addresses (a hook on the LAN). */
export const ALLOW_PRIVATE_WEBHOOKS_ENV = 'DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS';

const INTERNAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  INTERNAL.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still private where used)
  ['ff00::', 8], // multicast
] as const) {
  INTERNAL.addSubnet(net, bits, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (an IPv4 tail such as `::1.2.3.4` as two). */
function ipv6Groups(address: string): number[] {
  const withoutV4 = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a, b, c, d) =>
    [((+a << 8) | +b).toString(16), ((+c << 8) | +d).toString(16)].join(':'),
  );
  const [head = '', tail] = withoutV4.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((group) => Number.parseInt(group, 16));
}

/**
 * The IPv4 address an IPv6 address carries to a translator, when it has that form: NAT64
 * (64:ff9b::/96, 64:ff9b:1::/48), SIIT (::ffff:0:0:0/96), IPv4-compatible (::/96) or 6to4 (2002::/16).
 */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address.replace(/%.*$/, ''));
  const v4 = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255].join('.');
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  if (g[0] === 0x64 && g[1] === 0xff9b && (zeros(2, 6) || g[2] === 1)) return v4(g[6]!, g[7]!);
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return v4(g[6]!, g[7]!);
  if (zeros(0, 6) && !(g[6] === 0 && g[7]! <= 1)) return v4(g[6]!, g[7]!);
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!);
  return undefined;
}

/**
 * True for a loopback, private, link-local or otherwise non-public address, also when an IPv6
 * address carries one (IPv4-mapped, NAT64, SIIT, compatible, 6to4).
 */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const plain = mapped ?? address;
  const family = isIP(plain);
  if (family === 0) return true;
  if (family === 6) {
    const carried = embeddedIpv4(plain);
    if (carried !== undefined && INTERNAL.check(carried, 'ipv4')) return true;
  }
  return INTERNAL.check(plain, family === 6 ? 'ipv6' : 'ipv4');
}

/** True when DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS=1: webhooks may call internal addresses. */
export function privateWebhooksAllowed(): boolean {
  return process.env[ALLOW_PRIVATE_WEBHOOKS_ENV] === '1';
}

const REFUSED = `Slack alert refused: the webhook's host is a loopback, private or link-local address; point it at a public webhook, or set ${ALLOW_PRIVATE_WEBHOOKS_ENV}=1 on the server to allow internal ones`;

/** Throws the refusal when any of `addresses` is internal (or there are none). */
export function refuseInternalAddresses(addresses: readonly string[]): void {
  if (addresses.length === 0 || addresses.some(isInternalAddress))
    throw new DataBridgeError('bad_spec', REFUSED);
}

/**
 * Refuses a webhook whose host is, or resolves to, an internal address (every address it resolves
 * to is checked), unless DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS=1: a project's alert settings must not
 * let its editor make the server call its own network. The error names neither the URL (a secret)
 * nor the host. `bad_spec`: retrying does not help. The send checks the addresses again as it
 * connects (webhook-post.ts), so a name that changes its answer in between gains nothing.
 */
export async function checkWebhookAddress(
  url: string,
  options: { allowPrivate?: boolean } = {},
): Promise<void> {
  if (options.allowPrivate ?? privateWebhooksAllowed()) return;
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    throw new DataBridgeError('bad_spec', 'Slack alert refused: the webhook URL is not a URL');
  }
  if (isIP(host)) return refuseInternalAddresses([host]);
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch (error) {
    throw new DataBridgeError(
      'connection_failed',
      "Slack alert failed: the webhook's host name does not resolve",
      {
        cause: error,
      },
    );
  }
  refuseInternalAddresses(addresses);
}
