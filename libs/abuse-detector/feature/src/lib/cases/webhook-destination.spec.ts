import fc from 'fast-check';
import { isKnownLocalHost, isLocalhostName, isPublicAddress, webhookUrlProblem } from './webhook-destination';

const STRICT = { allowPrivateNetworks: false };
const DEV = { allowPrivateNetworks: true };

/** An IPv4 address in `base`/`bits`, from a random 32-bit number. */
const inRange = (base: string, bits: number) =>
  fc.integer({ min: 0, max: 2 ** (32 - bits) - 1 }).map((offset) => {
    const start = base.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
    const n = start + offset;
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  });

/** The IPv4-mapped IPv6 form, as `::ffff:7f00:1` (hex, the way resolvers and the URL parser write it). */
const mapped = (v4: string) => {
  const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
  return `::ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
};

const NON_PUBLIC_V4_RANGES: [string, string, number][] = [
  ['unspecified / "this network"', '0.0.0.0', 8],
  ['private 10/8', '10.0.0.0', 8],
  ['carrier-grade NAT', '100.64.0.0', 10],
  ['loopback', '127.0.0.0', 8],
  ['link-local (cloud metadata)', '169.254.0.0', 16],
  ['private 172.16/12', '172.16.0.0', 12],
  ['IETF protocol assignments', '192.0.0.0', 24],
  ['documentation TEST-NET-1', '192.0.2.0', 24],
  ['private 192.168/16', '192.168.0.0', 16],
  ['benchmarking', '198.18.0.0', 15],
  ['multicast', '224.0.0.0', 4],
  ['reserved and broadcast', '240.0.0.0', 4],
];

describe(isPublicAddress.name, () => {
  it.each([
    ['a public IPv4 address', '93.184.216.34'],
    ['the address just below 10/8', '9.255.255.255'],
    ['the address just above 172.16/12', '172.32.0.1'],
    ['the address just below CGNAT', '100.63.255.255'],
    ['the address just above CGNAT', '100.128.0.0'],
    ['a public IPv6 address', '2606:4700:4700::1111'],
    ['a public IPv4 address mapped into IPv6', '::ffff:93.184.216.34'],
    ['a public IPv4 address behind the NAT64 well-known prefix', '64:ff9b::5db8:d822'],
    ['the same, its IPv4 part dotted', '64:ff9b::93.184.216.34'],
  ])('accepts %s (%s)', (_case, address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    ['loopback', '127.0.0.1'],
    ['another loopback', '127.255.255.254'],
    ['the cloud metadata service', '169.254.169.254'],
    ['private 10/8', '10.1.2.3'],
    ['private 172.16/12', '172.31.255.255'],
    ['private 192.168/16', '192.168.1.1'],
    ['carrier-grade NAT', '100.100.100.200'],
    ['unspecified', '0.0.0.0'],
    ['broadcast', '255.255.255.255'],
    ['multicast', '239.255.255.250'],
    ['documentation', '203.0.113.7'],
    ['IPv6 loopback', '::1'],
    ['IPv6 unspecified', '::'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv6 link-local with a zone', 'fe80::1%eth0'],
    ['IPv6 unique local (fc00::/7)', 'fd00:ec2::254'],
    ['IPv6 unique local, fc half', 'fc00::1'],
    ['IPv6 multicast', 'ff02::1'],
    ['IPv6 site-local (deprecated)', 'fec0::1'],
    ['IPv6 documentation', '2001:db8::1'],
    ['IPv4-mapped loopback, dotted', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback, hex', '::ffff:7f00:1'],
    ['IPv4-mapped metadata', '::ffff:a9fe:a9fe'],
    ['IPv4-mapped private', '::ffff:10.0.0.1'],
    ['IPv4-compatible loopback (deprecated ::/96)', '::127.0.0.1'],
    ['IPv4-compatible public address (deprecated ::/96; not IPv4-mapped)', '::8.8.8.8'],
    ['NAT64 prefix with a dotted tail naming loopback', '64:ff9b::127.0.0.1'],
    ['IPv4-translated (RFC 6145)', '::ffff:0:7f00:1'],
    ['NAT64 well-known prefix to loopback', '64:ff9b::7f00:1'],
    ['NAT64 well-known prefix to metadata', '64:ff9b::169.254.169.254'],
    ['NAT64 local-use prefix (RFC 8215)', '64:ff9b:1::5db8:d822'],
    ['6to4 of loopback', '2002:7f00:1::1'],
    ['6to4 of a public address (deprecated tunnel)', '2002:5db8:d822::1'],
    ['Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['discard-only (RFC 6666)', '100::1'],
    ['outside global unicast (4000::/3)', '4000::1'],
    ['a host name', 'isv.example'],
    ['a non-canonical IPv4 spelling', '0x7f.1'],
    ['a decimal integer', '2130706433'],
    ['an empty string', ''],
  ])('refuses %s (%s)', (_case, address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(NON_PUBLIC_V4_RANGES)('refuses every address of %s (%s/%i), and its IPv4-mapped form', (_name, base, bits) => {
    fc.assert(
      fc.property(
        inRange(base, bits),
        (address) => !isPublicAddress(address) && !isPublicAddress(mapped(address)) && !isPublicAddress(`::ffff:${address}`),
      ),
    );
  });

  it('judges an IPv4-mapped or NAT64 address as the IPv4 address it carries', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        const v4 = isPublicAddress(address);
        const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
        const nat64 = `64:ff9b::${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        return isPublicAddress(mapped(address)) === v4 && isPublicAddress(nat64) === v4 && isPublicAddress(`::ffff:${address}`) === v4;
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every IPv6 address outside 2000::/3 that embeds no IPv4 address', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        // The URL parser writes it canonically (RFC 5952), so the prefixes below are spelled one way.
        const canonical = new URL(`https://[${address}]/`).hostname.slice(1, -1);
        const first = parseInt(canonical.split(':')[0] || '0', 16);
        const global = first >= 0x2000 && first <= 0x3fff;
        const embeds = canonical.startsWith('::ffff:') || canonical.startsWith('64:ff9b::');
        return global || embeds || !isPublicAddress(address);
      }),
      { numRuns: 2000 },
    );
  });
});

describe(isLocalhostName.name, () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'a.b.localhost.', 'localhost.localdomain'])('knows %s', (name) => {
    expect(isLocalhostName(name)).toBe(true);
  });

  it.each(['localhost.isv.example', 'mylocalhost', 'isv.example', '127.0.0.1'])('does not take %s for localhost', (name) => {
    expect(isLocalhostName(name)).toBe(false);
  });
});

describe(isKnownLocalHost.name, () => {
  it.each(['localhost', '127.0.0.1', '[::1]', '[::ffff:7f00:1]', '169.254.169.254', '10.0.0.1'])('knows %s as local', (host) => {
    expect(isKnownLocalHost(host)).toBe(true);
  });

  it.each(['isv.example', '93.184.216.34', '[2606:4700:4700::1111]'])('cannot tell %s without resolving it', (host) => {
    expect(isKnownLocalHost(host)).toBe(false);
  });
});

describe(webhookUrlProblem.name, () => {
  it.each([
    'https://isv.example/hooks/latchkey',
    'https://isv.example:8443/hooks?tenant=a',
    'https://93.184.216.34/hooks',
    'https://[2606:4700:4700::1111]/hooks',
  ])('accepts %s under either policy', (url) => {
    expect(webhookUrlProblem(url, STRICT)).toBeUndefined();
    expect(webhookUrlProblem(url, DEV)).toBeUndefined();
  });

  it.each([
    ['loopback over http, any port', 'http://127.0.0.1:6379/anything'],
    ['loopback over https', 'https://127.0.0.1/hooks'],
    ['the cloud metadata service', 'https://169.254.169.254/latest/meta-data'],
    ['the metadata service spelled in hex', 'https://0xa9.0xfe.0xa9.0xfe/latest/meta-data'],
    ['the metadata service as an integer', 'https://2852039166/latest/meta-data'],
    ['loopback spelled short', 'https://127.1/hooks'],
    ['loopback in octal', 'https://0177.0.0.1/hooks'],
    ['the unspecified address', 'https://0.0.0.0/hooks'],
    ['a private address', 'https://10.0.0.12/hooks'],
    ['a private address', 'https://192.168.1.1/hooks'],
    ['carrier-grade NAT', 'https://100.64.0.1/hooks'],
    ['IPv6 loopback', 'https://[::1]/hooks'],
    ['IPv6 unique local', 'https://[fd00::1]/hooks'],
    ['IPv6 link-local', 'https://[fe80::1]/hooks'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hooks'],
    ['NAT64 of the metadata service', 'https://[64:ff9b::a9fe:a9fe]/hooks'],
    ['localhost', 'https://localhost/hooks'],
    ['localhost over http', 'http://localhost:3000/hooks'],
    ['a localhost subdomain', 'https://admin.localhost/hooks'],
    ['localhost with a trailing dot', 'https://localhost./hooks'],
    ['localhost in capitals', 'https://LOCALHOST/hooks'],
  ])('refuses %s (%s) unless private networks are allowed', (_case, url) => {
    expect(webhookUrlProblem(url, STRICT)).toBe('must not name a loopback, private, link-local or other non-public host');
    expect(webhookUrlProblem(url, DEV)).toBeUndefined();
  });

  it.each([
    ['plain http to a public host', 'http://isv.example/hooks'],
    ['plain http to a host named like localhost', 'http://localhost.isv.example/hooks'],
    ['plain http to a loopback-looking subdomain', 'http://127.0.0.1.isv.example/hooks'],
    ['plain http to a public address', 'http://93.184.216.34/hooks'],
  ])('refuses %s under either policy: never in clear over the internet', (_case, url) => {
    expect(webhookUrlProblem(url, STRICT)).toBe('must be https');
    expect(webhookUrlProblem(url, DEV)).toBe('must be https (http only to a local or private address)');
  });

  it.each([
    ['another scheme', 'ftp://isv.example/hooks', 'must be https'],
    ['a file URL', 'file:///etc/passwd', 'must be https'],
    ['a javascript: URL', 'javascript:alert(1)', 'must be https'],
    ['credentials', 'https://user:pass@isv.example/hooks', 'must not carry credentials'],
    ['a fragment', 'https://isv.example/hooks#frag', 'must not have a fragment'],
    ['words', 'not a url', 'not a URL'],
  ])('refuses %s under either policy', (_case, url, problem) => {
    expect(webhookUrlProblem(url, STRICT)).toBe(problem);
    expect(webhookUrlProblem(url, DEV)).toBe(problem);
  });
});
