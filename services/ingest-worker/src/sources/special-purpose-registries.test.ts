import { createAddressPolicy } from './address-policy';

const policy = createAddressPolicy();
/** Whether the SSRF policy refuses a URL resolving to `address`. */
const isRefused = (address: string) => {
  try {
    policy.checkAddress(address, 'images.example.test');
    return false;
  } catch {
    return true;
  }
};

/**
 * The IANA IPv4 and IPv6 Special-Purpose Address Registries (iana-ipv4-special-registry and
 * iana-ipv6-special-registry, as updated in 2025), entry by entry, with a first and a last
 * address of each block: the SSRF policy must refuse every one. Multicast, reserved and
 * deprecated blocks outside the registries are checked too.
 */
const IPV4_REGISTRY: [string, string, string][] = [
  ['0.0.0.0/8', '0.0.0.1', '0.255.255.255'], // RFC 791: "this network"
  ['10.0.0.0/8', '10.0.0.1', '10.255.255.254'], // RFC 1918
  ['100.64.0.0/10', '100.64.0.1', '100.127.255.254'], // RFC 6598: shared address space (CGNAT)
  ['127.0.0.0/8', '127.0.0.1', '127.255.255.254'], // RFC 1122: loopback
  ['169.254.0.0/16', '169.254.169.254', '169.254.255.254'], // RFC 3927: link-local (cloud metadata)
  ['172.16.0.0/12', '172.16.0.1', '172.31.255.254'], // RFC 1918
  ['192.0.0.0/24', '192.0.0.1', '192.0.0.254'], // RFC 6890: IETF protocol assignments (incl. /29, .8-.10, .170, .171)
  ['192.0.2.0/24', '192.0.2.1', '192.0.2.254'], // RFC 5737: TEST-NET-1
  ['192.31.196.0/24', '192.31.196.1', '192.31.196.254'], // RFC 7535: AS112-v4
  ['192.52.193.0/24', '192.52.193.1', '192.52.193.254'], // RFC 7450: AMT
  ['192.88.99.0/24', '192.88.99.1', '192.88.99.254'], // RFC 7526: deprecated 6to4 relay anycast
  ['192.168.0.0/16', '192.168.0.1', '192.168.255.254'], // RFC 1918
  ['192.175.48.0/24', '192.175.48.1', '192.175.48.254'], // RFC 7534: direct delegation AS112
  ['198.18.0.0/15', '198.18.0.1', '198.19.255.254'], // RFC 2544: benchmarking
  ['198.51.100.0/24', '198.51.100.1', '198.51.100.254'], // RFC 5737: TEST-NET-2
  ['203.0.113.0/24', '203.0.113.1', '203.0.113.254'], // RFC 5737: TEST-NET-3
  ['240.0.0.0/4', '240.0.0.1', '255.255.255.254'], // RFC 1112: reserved
  ['255.255.255.255/32', '255.255.255.255', '255.255.255.255'], // RFC 919: limited broadcast
  ['224.0.0.0/4', '224.0.0.1', '239.255.255.254'], // RFC 5771: multicast (not in the registry; never a server)
];

const IPV6_REGISTRY: [string, string, string][] = [
  ['::1/128', '::1', '::1'], // RFC 4291: loopback
  ['::/128', '::', '::'], // RFC 4291: unspecified
  ['::ffff:0:0/96', '::ffff:127.0.0.1', '::ffff:ffff:ffff'], // RFC 4291: IPv4-mapped
  ['::ffff:0:0:0/96', '::ffff:0:7f00:1', '::ffff:0:ffff:ffff'], // RFC 6145: IPv4-translated (not in the registry)
  ['::/96', '::7f00:1', '::ffff:fffe'], // RFC 4291: IPv4-compatible, deprecated (not in the registry)
  ['64:ff9b::/96', '64:ff9b::7f00:1', '64:ff9b::ffff:ffff'], // RFC 6052: IPv4-IPv6 translation
  ['64:ff9b:1::/48', '64:ff9b:1::1', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff'], // RFC 8215: local-use translation
  ['100::/64', '100::1', '100::ffff:ffff:ffff:ffff'], // RFC 6666: discard-only
  ['100:0:0:1::/64', '100:0:0:1::1', '100:0:0:1:ffff:ffff:ffff:ffff'], // RFC 9780: dummy prefix
  ['2001::/23', '2001:1::1', '2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 2928: IETF protocol assignments
  ['2001::/32', '2001::1', '2001:0:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 4380: Teredo
  ['2001:2::/48', '2001:2::1', '2001:2:0:ffff:ffff:ffff:ffff:ffff'], // RFC 5180: benchmarking
  ['2001:3::/32', '2001:3::1', '2001:3:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 7450: AMT
  ['2001:4:112::/48', '2001:4:112::1', '2001:4:112:ffff:ffff:ffff:ffff:ffff'], // RFC 7535: AS112-v6
  ['2001:10::/28', '2001:10::1', '2001:1f:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 4843: deprecated ORCHID
  ['2001:20::/28', '2001:20::1', '2001:2f:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 7343: ORCHIDv2
  ['2001:30::/28', '2001:30::1', '2001:3f:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 9374: DRIP entity tags
  ['2001:db8::/32', '2001:db8::1', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 3849: documentation
  ['2002::/16', '2002:7f00:1::', '2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 3056: 6to4
  ['2620:4f:8000::/48', '2620:4f:8000::1', '2620:4f:8000:ffff:ffff:ffff:ffff:ffff'], // RFC 7534: direct delegation AS112
  ['3fff::/20', '3fff::1', '3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 9637: documentation
  ['5f00::/16', '5f00::1', '5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 9602: SRv6 SIDs
  ['fc00::/7', 'fd00:ec2::254', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 4193: unique-local (AWS metadata)
  ['fe80::/10', 'fe80::1', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 4291: link-local
  ['fec0::/10', 'fec0::1', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 3879: deprecated site-local (not in the registry)
  ['ff00::/8', 'ff02::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], // RFC 4291: multicast (not in the registry)
];

describe('special-purpose addresses', () => {
  it.each([...IPV4_REGISTRY, ...IPV6_REGISTRY])('refuses all of %s (%s … %s)', (_block, first, last) => {
    expect(isRefused(first)).toBe(true);
    expect(isRefused(last)).toBe(true);
  });

  it.each(['93.184.215.14', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:82a::200e', '2001:200::1'])(
    'allows the public unicast address %s',
    (address) => {
      expect(isRefused(address)).toBe(false);
    },
  );

  it('refuses what is not an address at all', () => {
    expect(isRefused('not-an-ip')).toBe(true);
  });
});
