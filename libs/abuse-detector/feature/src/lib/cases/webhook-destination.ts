import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where case webhooks may go. An operator sets the URL, but the detector
 * makes the request from inside the platform's network, so a URL naming a
 * loopback, private or metadata address would let whoever holds
 * `abuse.webhooks:write` make the detector POST to internal services
 * (OWASP: server-side request forgery). Only public destinations are allowed
 * unless the deployment says otherwise (LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS,
 * for development and tests with a local listener).
 */
export interface WebhookDestinationPolicy {
  /** Loopback, private and other non-public addresses (and plain http to them) are allowed: development and tests only. */
  readonly allowPrivateNetworks: boolean;
}

/** IPv6 global unicast (RFC 4291 §2.4): everything outside it is reserved or special-purpose. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
/** The NAT64 well-known prefix (RFC 6052): the last 32 bits are the IPv4 address the translator connects to. */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/**
 * Whether `address` (an IP address as a resolver returns it, without
 * brackets) is a public unicast address a webhook may be sent to.
 * IPv4: only ipaddr.js's `unicast` (not loopback, RFC 1918, CGNAT, link-local
 * and cloud metadata, unspecified, multicast, broadcast, documentation,
 * benchmarking, reserved, AS112, AMT). IPv6: global unicast (2000::/3) that
 * ipaddr.js does not name as special (documentation, Teredo, 6to4, ORCHID,
 * benchmarking...); an IPv4-mapped or NAT64 well-known-prefix address is
 * judged by the IPv4 address it carries. Teredo and 6to4 are refused whatever
 * they embed (deprecated tunnels that reach any IPv4 host), as are scoped
 * addresses (a zone id) and anything that is not an IP address.
 */
export function isPublicAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return ipaddr.IPv4.parse(address).range() === 'unicast';
  // A scoped address (`fe80::1%eth0`) is never global.
  if (version !== 6 || address.includes('%')) return false;
  // Parsed in its canonical hex form: ipaddr.js reads any dotted tail as IPv4-mapped (`::8.8.8.8`, an IPv4-compatible
  // address, would pass as `::ffff:8.8.8.8`). The WHATWG URL parser writes IPv6 in RFC 5952 form, without dots.
  const v6 = ipaddr.IPv6.parse(new URL(`http://[${address}]/`).hostname.slice(1, -1));
  if (v6.isIPv4MappedAddress()) return isPublicAddress(v6.toIPv4Address().toString());
  if (v6.match(NAT64_WELL_KNOWN)) return isPublicAddress(ipaddr.fromByteArray(v6.toByteArray().slice(12)).toString());
  return v6.match(GLOBAL_UNICAST_V6) && v6.range() === 'unicast';
}

/** `localhost` and its subdomains (RFC 6761 §6.3: always this machine), with or without the root's trailing dot. */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || name === 'localhost.localdomain';
}

/** A URL's host as an IP address literal (IPv6 without its brackets), or undefined for a name. */
export function addressLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? undefined : bare;
}

/**
 * Whether the URL's host is known, without resolving it, to be this machine
 * or a non-public network: a localhost name or a non-public address literal.
 * A name that resolves to such an address is caught when delivering (the
 * dispatcher resolves, checks every address, and connects to the one checked).
 */
export function isKnownLocalHost(hostname: string): boolean {
  const literal = addressLiteral(hostname);
  return literal === undefined ? isLocalhostName(hostname) : !isPublicAddress(literal);
}

/**
 * Why `text` cannot be a webhook URL under `policy`, or undefined when it
 * can. Judged on the parsed URL, as the request will read it (the WHATWG
 * parser has already turned `0x7f.1` or `2130706433` into `127.0.0.1`).
 * Never echoes the URL. https only; plain http only when private networks
 * are allowed, and then only to a local or private host (development: a
 * listener on this machine), never in clear over the internet; no
 * credentials (the signature authenticates us to the ISV, and a userinfo
 * part would be a secret in a stored URL); no fragment.
 */
export function webhookUrlProblem(text: string, policy: WebhookDestinationPolicy): string | undefined {
  if (!URL.canParse(text)) return 'not a URL';
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be https';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (url.hash !== '' || text.includes('#')) return 'must not have a fragment';
  const local = isKnownLocalHost(url.hostname);
  if (local && !policy.allowPrivateNetworks) return 'must not name a loopback, private, link-local or other non-public host';
  if (url.protocol === 'http:' && !local)
    return policy.allowPrivateNetworks ? 'must be https (http only to a local or private address)' : 'must be https';
  return undefined;
}
