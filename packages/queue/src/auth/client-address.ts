import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/**
 * The header `databridge serve` sets on every request to the client's address as it decided it
 * (after removing any copy a client sent): route handlers have no socket to ask. Read only when
 * DATABRIDGE_CLIENT_ADDRESS_STAMPED is set, which serve does for its own process.
 */
export const CLIENT_ADDRESS_HEADER = 'x-databridge-client-address';
export const CLIENT_ADDRESS_STAMPED_ENV = 'DATABRIDGE_CLIENT_ADDRESS_STAMPED';

/** One address (`10.0.0.5`, `::1`) or a CIDR block (`10.0.0.0/8`, `fd00::/8`). */
const AddressOrBlock = z.string().refine((entry) => {
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}, 'is not an IP address or a CIDR block such as 10.0.0.0/8');

/**
 * DATABRIDGE_TRUSTED_PROXIES: addresses and CIDR blocks separated by commas or spaces, the reverse
 * proxies whose X-Forwarded-For is believed. Empty (the default): nobody's.
 */
export const TrustedProxiesSchema = z
  .string()
  .transform((text) => text.split(/[\s,]+/).filter(Boolean))
  .pipe(z.array(AddressOrBlock));

/** A set of trusted proxy addresses, as parsed from DATABRIDGE_TRUSTED_PROXIES. */
export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy, in which case
 * X-Forwarded-For is read from the right (the entry the nearest proxy added) past every trusted
 * proxy; the first address not trusted is the client. Entries a client wrote itself sit further left
 * and are never reached while an untrusted hop stands between. `unknown` without a socket address.
 */
export function clientAddressFrom(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: BlockList,
): string {
  let address = normalise(socketAddress);
  if (!address) return 'unknown';
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  while (isTrusted(address, trusted)) {
    const next = hops.pop();
    if (next === undefined) break;
    // A hop that reads as no address is not skipped: what stands left of it the client may have
    // written itself.
    const hop = normalise(withoutPort(next));
    if (!hop) return 'unknown';
    address = hop;
  }
  return address;
}

/** `198.51.100.4:51234` → `198.51.100.4`, `[2001:db8::4]:443` → `2001:db8::4`; anything else as it is. */
function withoutPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop)?.[1];
  if (bracketed) return bracketed;
  return /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop)?.[1] ?? hop;
}

function isTrusted(address: string, trusted: BlockList): boolean {
  return trusted.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** An IP address as text (`::ffff:10.0.0.1` read as `10.0.0.1`), or undefined when it is not one. */
function normalise(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const plain = mapped ?? address;
  return isIP(plain) ? plain : undefined;
}

/**
 * The network a sign-in limit counts an address under: an IPv4 address itself, an IPv6 address's
 * /64 (`2001:db8:1:2::/64`). One IPv6 host is commonly given a whole /64, so counting each address
 * alone would let it guess from 2^64 addresses. Anything else (`unknown`) is returned as it is.
 */
export function limitNetwork(address: string): string {
  const plain = address.replace(/%.*$/, '');
  if (isIP(plain) !== 6) return address;
  const [head = '', tail] = plain.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (`::1.2.3.4`) sits in the last 64 bits, which the prefix leaves out.
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const prefix = groups.slice(0, 4).map((group) => Number.parseInt(group, 16).toString(16));
  return `${prefix.join(':')}::/64`;
}

/**
 * For `databridge serve`'s HTTP server, before Next.js sees the request: replaces whatever
 * CLIENT_ADDRESS_HEADER the client sent with the address decided from the socket and the trusted
 * proxies.
 */
export function stampClientAddress(
  request: {
    socket: { remoteAddress?: string | undefined };
    headers: Record<string, string | string[] | undefined>;
  },
  trusted: BlockList,
): void {
  request.headers[CLIENT_ADDRESS_HEADER] = clientAddressFrom(
    request.socket.remoteAddress,
    request.headers['x-forwarded-for'],
    trusted,
  );
}

/**
 * The client's address for a route handler or server action: the address serve stamped, or
 * `unknown` when the app runs some other way (`next start`), where no header can be believed.
 */
export function stampedClientAddress(headers: { get(name: string): string | null }): string {
  if (process.env[CLIENT_ADDRESS_STAMPED_ENV] !== '1') return platformAddress(headers);
  return headers.get(CLIENT_ADDRESS_HEADER) || 'unknown';
}

/**
 * DATABRIDGE_CLIENT_ADDRESS_HEADER: for an app not run by `databridge serve`, the header its platform
 * sets to the client's address and never passes on from the client (e.g. `x-real-ip` on Vercel).
 * Unset: every client is `unknown`.
 */
export const CLIENT_ADDRESS_HEADER_ENV = 'DATABRIDGE_CLIENT_ADDRESS_HEADER';

function platformAddress(headers: { get(name: string): string | null }): string {
  const name = process.env[CLIENT_ADDRESS_HEADER_ENV]?.trim();
  if (!name) return 'unknown';
  // A list is read from its first entry, the client as the platform's edge saw it.
  const first = headers.get(name)?.split(',')[0]?.trim();
  return normalise(first && withoutPort(first)) ?? 'unknown';
}
