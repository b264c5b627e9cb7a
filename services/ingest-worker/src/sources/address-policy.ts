import { BlockList, isIP } from 'node:net';
import { IngestError } from '@ingestkit/contracts';

// Addresses a fetched URL may never reach unless allow-listed: this host, private networks,
// link-local (cloud metadata at 169.254.169.254 and fd00:ec2::254 included), CGNAT, multicast,
// reserved and documentation ranges, and every IPv6 form that embeds an IPv4 address (mapped,
// compatible, NAT64, 6to4, Teredo) — those could smuggle 127.0.0.1 past an IPv4-only check.
const FORBIDDEN_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
const FORBIDDEN_V6 = [
  '::/96',
  '::ffff:0:0/96',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/32',
  '2001:db8::/32',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
];

/** Host names of cloud metadata services, refused whatever they resolve to. */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

/**
 * Address rules split by family. Node's BlockList matches an IPv4 rule against IPv4-mapped IPv6
 * addresses and an IPv6 rule `::ffff:0:0/96` against plain IPv4 ones, so each address is only
 * ever checked against the rules of its own family.
 */
class AddressRules {
  private readonly lists = { ipv4: new BlockList(), ipv6: new BlockList() };

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', bits] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.lists[type].addAddress(address, type);
      else this.lists[type].addSubnet(address, Number(bits), type);
    }
  }

  has(address: string): boolean {
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    return this.lists[type].check(address, type);
  }
}

const forbidden = new AddressRules([...FORBIDDEN_V4, ...FORBIDDEN_V6]);

/** Which hosts and addresses a URL fetch may reach; see {@link createAddressPolicy}. */
export interface AddressPolicy {
  /** Throws `source_forbidden` for a metadata host name (unless allow-listed). */
  checkHostName(hostname: string): void;
  /** Throws `source_forbidden` for an address in a forbidden range (unless allow-listed or its host is). */
  checkAddress(address: string, hostname: string): void;
}

/**
 * The SSRF guard's rules. `allow` (`FETCH_ALLOW_HOSTS`) holds host names, addresses or CIDRs:
 * an allow-listed host name may resolve anywhere; an allow-listed address or CIDR may be reached
 * by any name. Everything else must resolve to a public unicast address.
 */
export function createAddressPolicy(options: { allow?: readonly string[] } = {}): AddressPolicy {
  const allow = options.allow ?? [];
  const allowedHosts = new Set(allow.filter((entry) => isIP(entry.split('/')[0] ?? '') === 0).map((h) => h.toLowerCase()));
  const allowedAddresses = new AddressRules(allow.filter((entry) => isIP(entry.split('/')[0] ?? '') !== 0));
  const refuse = (message: string, details: Record<string, unknown>) => new IngestError('source_forbidden', message, { details });
  const bare = (hostname: string) =>
    hostname
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '');
  return {
    checkHostName(hostname) {
      const host = bare(hostname);
      if (METADATA_HOSTS.has(host) && !allowedHosts.has(host)) {
        throw refuse(`fetching from ${host} is not allowed (cloud metadata)`, { host });
      }
    },
    checkAddress(address, hostname) {
      const host = bare(hostname);
      if (allowedHosts.has(host)) return;
      if (isIP(address) === 0) throw refuse(`not an IP address: ${address}`, { host });
      if (allowedAddresses.has(address)) return;
      if (forbidden.has(address)) {
        throw refuse(`${host} resolves to ${address}, a private, loopback or reserved address`, { host, address });
      }
    },
  };
}
