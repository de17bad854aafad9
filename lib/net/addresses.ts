/**
 * Which IP addresses a server-side fetch may connect to: public unicast only. Everything that reaches
 * this machine, the local network, the cloud provider's metadata service or a range with a special
 * purpose is refused, with the category that says why (for an audit event or a message; the category
 * names a kind of address, never the address itself).
 *
 * IPv6 addresses that carry an IPv4 address:
 * - IPv4-mapped (::ffff:0:0/96) and NAT64 with the well-known prefix (64:ff9b::/96) are judged by the
 *   IPv4 address they embed: a connection to them reaches that IPv4 host (the kernel for a mapped
 *   address, the NAT64 gateway for the other), and on an IPv6-only network with DNS64 every IPv4-only
 *   site resolves to 64:ff9b::a.b.c.d, so refusing the prefix outright would refuse the whole IPv4 web.
 * - IPv4-compatible (::/96, deprecated), local-use NAT64 (64:ff9b:1::/48, an operator's own prefix
 *   whose IPv4 position depends on its length), 6to4 (2002::/16, deprecated) and Teredo (2001::/32,
 *   its client address obfuscated) are refused outright: no public site needs them, and judging what
 *   they embed would mean trusting relays and gateways this code cannot see.
 */
import { BlockList, isIP } from "node:net";

/** Each refused category and how a message names it ("… resolves to a private address"). */
export const REFUSED_CATEGORIES = {
  cloud_metadata: "a cloud metadata address",
  unspecified: "an unspecified address",
  loopback: "a loopback address",
  private: "a private address",
  link_local: "a link-local address",
  shared: "a carrier-grade NAT (shared) address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  reserved: "a reserved address",
  protocol_assignment: "an IETF protocol assignment address",
  benchmarking: "a benchmarking address",
  documentation: "a documentation address",
  unique_local: "a unique local IPv6 address",
  transition: "an IPv6 transition address (IPv4-compatible, local NAT64, 6to4 or Teredo)",
  zoned: "an address with a zone id",
  invalid: "not an IP address",
} as const satisfies Record<string, string>;

export type RefusedCategory = keyof typeof REFUSED_CATEGORIES;

/** How an IPv6 address carried the IPv4 address it was judged by. */
export type Embedding = "ipv4_mapped" | "nat64";

export type AddressVerdict =
  | { allowed: true; family: 4 | 6; via?: Embedding }
  | { allowed: false; family: 4 | 6 | 0; category: RefusedCategory; reason: string; via?: Embedding };

type Range = readonly [network: string, prefix: number];

/**
 * Metadata services by name, checked before the wider ranges they sit in so the reason says what
 * they are. 169.254.169.254: AWS, GCP, Azure, OCI, DigitalOcean, OpenStack; 169.254.170.2: ECS task
 * credentials; 169.254.170.23 and fd00:ec2::23: EKS Pod Identity; fd00:ec2::254: AWS over IPv6;
 * 100.100.100.200: Alibaba Cloud; 168.63.129.16: Azure's WireServer, a public address reachable only
 * from inside Azure, which would otherwise pass as public.
 */
const METADATA_V4 = ["169.254.169.254", "169.254.170.2", "169.254.170.23", "100.100.100.200", "168.63.129.16"];
const METADATA_V6 = ["fd00:ec2::254", "fd00:ec2::23"];

/** IANA's special-purpose registries (RFC 6890 and successors), by category. */
const V4_RANGES: Partial<Record<RefusedCategory, readonly Range[]>> = {
  unspecified: [["0.0.0.0", 8]],
  loopback: [["127.0.0.0", 8]],
  broadcast: [["255.255.255.255", 32]],
  benchmarking: [["198.18.0.0", 15]],
  documentation: [
    ["192.0.2.0", 24],
    ["198.51.100.0", 24],
    ["203.0.113.0", 24],
  ],
  // The anycast address of 6to4 relays (RFC 7526 deprecates it).
  transition: [["192.88.99.0", 24]],
  private: [
    ["10.0.0.0", 8],
    ["172.16.0.0", 12],
    ["192.168.0.0", 16],
  ],
  link_local: [["169.254.0.0", 16]],
  shared: [["100.64.0.0", 10]],
  multicast: [["224.0.0.0", 4]],
  protocol_assignment: [["192.0.0.0", 24]],
  reserved: [["240.0.0.0", 4]],
};

const V6_RANGES: Partial<Record<RefusedCategory, readonly Range[]>> = {
  unspecified: [["::", 128]],
  loopback: [["::1", 128]],
  benchmarking: [["2001:2::", 48]],
  documentation: [
    ["2001:db8::", 32],
    ["3fff::", 20],
  ],
  transition: [
    ["::", 96],
    ["64:ff9b:1::", 48],
    ["2001::", 32],
    ["2002::", 16],
  ],
  // fec0::/10, site-local, deprecated but still routed inside some networks.
  private: [["fec0::", 10]],
  link_local: [["fe80::", 10]],
  unique_local: [["fc00::", 7]],
  multicast: [["ff00::", 8]],
  protocol_assignment: [["2001::", 23]],
  // Discard-only (RFC 6666); anything outside 2000::/3 is refused below as well.
  reserved: [["100::", 64]],
};

/**
 * The order the categories are tried in: a narrower range before the wider one that holds it
 * (broadcast inside 240/4, ::1 and :: inside ::/96, Teredo and benchmarking inside 2001::/23).
 */
const PRECEDENCE: readonly RefusedCategory[] = [
  "unspecified",
  "loopback",
  "broadcast",
  "benchmarking",
  "documentation",
  "transition",
  "private",
  "link_local",
  "shared",
  "unique_local",
  "multicast",
  "protocol_assignment",
  "reserved",
];

function blockLists(ranges: Partial<Record<RefusedCategory, readonly Range[]>>, type: "ipv4" | "ipv6", metadata: string[]) {
  const lists: [RefusedCategory, BlockList][] = [];
  const named = new BlockList();
  for (const address of metadata) named.addAddress(address, type);
  lists.push(["cloud_metadata", named]);
  for (const category of PRECEDENCE) {
    const list = ranges[category];
    if (!list) continue;
    const block = new BlockList();
    for (const [network, prefix] of list) block.addSubnet(network, prefix, type);
    lists.push([category, block]);
  }
  return lists;
}

const V4_LISTS = blockLists(V4_RANGES, "ipv4", METADATA_V4);
const V6_LISTS = blockLists(V6_RANGES, "ipv6", METADATA_V6);
const GLOBAL_UNICAST_V6 = new BlockList();
GLOBAL_UNICAST_V6.addSubnet("2000::", 3, "ipv6");

function refused(family: 4 | 6 | 0, category: RefusedCategory, via?: Embedding): AddressVerdict {
  return { allowed: false, family, category, reason: REFUSED_CATEGORIES[category], ...(via && { via }) };
}

function classifyV4(address: string, via?: Embedding): AddressVerdict {
  // Node's BlockList also matches IPv4 rules against IPv4-mapped IPv6 text, but the embedded address
  // is taken out explicitly (below) so the NAT64 prefix is judged the same way.
  for (const [category, list] of V4_LISTS) if (list.check(address, "ipv4")) return refused(4, category, via);
  return { allowed: true, family: 4, ...(via && { via }) };
}

/** The eight 16-bit groups of a valid IPv6 address without a zone id (`::` expanded, a dotted tail read). */
export function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split(".").map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", rest] = text.split("::");
  const parse = (part: string) => (part ? part.split(":").map((group) => Number.parseInt(group, 16)) : []);
  const front = parse(head);
  const back = rest === undefined ? [] : parse(rest);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function embeddedV4(groups: number[]): string {
  const [g6 = 0, g7 = 0] = groups.slice(6);
  return `${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`;
}

function classifyV6(address: string): AddressVerdict {
  const groups = ipv6Groups(address);
  const [g0, g1, g2, g3, g4, g5] = groups;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return classifyV4(embeddedV4(groups), "ipv4_mapped");
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return classifyV4(embeddedV4(groups), "nat64");
  for (const [category, list] of V6_LISTS) if (list.check(address, "ipv6")) return refused(6, category);
  if (!GLOBAL_UNICAST_V6.check(address, "ipv6")) return refused(6, "reserved");
  return { allowed: true, family: 6 };
}

/**
 * Whether a fetch may connect to `address` (an IPv4 or IPv6 address as text, as DNS or a URL's host
 * gives it; IPv6 without brackets, with or without a zone id). A zone id is taken off before the
 * address is judged; an address that would pass but carries one is still refused, since a zone only
 * has meaning for addresses that are not global.
 */
export function classifyAddress(address: string): AddressVerdict {
  const percent = address.indexOf("%");
  const bare = percent < 0 ? address : address.slice(0, percent);
  const family = isIP(bare);
  if (family === 4 && percent < 0) return classifyV4(bare);
  if (family !== 6) return refused(0, "invalid");
  const verdict = classifyV6(bare);
  return verdict.allowed && percent >= 0 ? refused(6, "zoned") : verdict;
}
