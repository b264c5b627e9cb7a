import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { IngestError } from '@ingestkit/contracts';

/**
 * Ranges that are not public unicast but are missing from the registries as ipaddr.js 2.5.0
 * carries them: IPv4-compatible IPv6 (`::a.b.c.d`, RFC 4291 §2.5.5.1, deprecated; it embeds an
 * IPv4 address such as 127.0.0.1) and the dummy IPv6 prefix (RFC 9780, registered in 2025).
 */
const SUPPLEMENT = ['::/96', '100:0:0:1::/64'];

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

const supplement = new AddressRules(SUPPLEMENT);

/**
 * Whether a fetched URL may never reach `address` (unless allow-listed): anything but public
 * unicast. The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and the RFCs
 * each entry cites: this host, private networks, loopback, link-local with cloud metadata at
 * 169.254.169.254 and fd00:ec2::254, CGNAT, documentation, benchmarking, AS112, AMT, ORCHID,
 * DRIP, SRv6…), multicast and reserved space are taken whole from ipaddr.js, which tracks the
 * registries (a maintained list beats a hand one: the hand list missed `::ffff:0:0:0/96`). That
 * includes every IPv6 form that embeds an IPv4 address (mapped, translated, NAT64, 6to4,
 * Teredo), which could smuggle 127.0.0.1 past an IPv4-only check; {@link SUPPLEMENT} adds what
 * the library lacks.
 */
export function isSpecialPurposeAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  return ipaddr.parse(address).range() !== 'unicast' || supplement.has(address);
}

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
      if (isSpecialPurposeAddress(address)) {
        throw refuse(`${host} resolves to ${address}, a private, loopback or reserved address`, { host, address });
      }
    },
  };
}
