/**
 * Which addresses the page fetcher may connect to (lib/net/addresses.ts): public unicast only. Each
 * special-purpose range is probed at its edges, IPv6 forms that carry an IPv4 address are judged by
 * it or refused outright, and zone ids neither hide an address nor make a public one pass.
 */
import { describe, expect, it } from "vitest";
import { classifyAddress, ipv6Groups, REFUSED_CATEGORIES, type RefusedCategory } from "@/lib/net/addresses";

describe("classifyAddress: public addresses pass", () => {
  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "11.0.0.0",
    "126.255.255.255",
    "128.0.0.1",
    "100.63.255.255",
    "100.128.0.0",
    "169.253.255.255",
    "169.255.0.1",
    "172.15.255.255",
    "172.32.0.0",
    "192.0.1.1",
    "192.167.255.255",
    "192.169.0.0",
    "198.17.255.255",
    "198.20.0.0",
    "223.255.255.255",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "2a00:1450:4001:80b::200e",
    "2001:200::1",
    "2003::1",
  ])("%s", (address) => {
    expect(classifyAddress(address)).toEqual({ allowed: true, family: address.includes(":") ? 6 : 4 });
  });
});

describe("classifyAddress: every special-purpose IPv4 range is refused, with its category", () => {
  it.each<[string, RefusedCategory]>([
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["0.255.255.255", "unspecified"],
    ["127.0.0.1", "loopback"],
    ["127.0.0.2", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.0.1", "private"],
    ["192.168.255.255", "private"],
    ["169.254.0.1", "link_local"],
    ["169.254.255.255", "link_local"],
    ["100.64.0.1", "shared"],
    ["100.127.255.255", "shared"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["254.255.255.255", "reserved"],
    ["255.255.255.255", "broadcast"],
    ["192.0.0.8", "protocol_assignment"],
    ["192.0.0.170", "protocol_assignment"],
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["192.0.2.1", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.9", "documentation"],
    ["192.88.99.1", "transition"],
  ])("%s is %s", (address, category) => {
    expect(classifyAddress(address)).toEqual({ allowed: false, family: 4, category, reason: REFUSED_CATEGORIES[category] });
  });
});

describe("classifyAddress: every special-purpose IPv6 range is refused, with its category", () => {
  it.each<[string, RefusedCategory]>([
    ["::", "unspecified"],
    ["0:0:0:0:0:0:0:0", "unspecified"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["fe80::1", "link_local"],
    ["febf:ffff::1", "link_local"],
    ["FE80::ABCD", "link_local"],
    ["fc00::1", "unique_local"],
    ["fd12:3456:789a::1", "unique_local"],
    ["fdff:ffff::1", "unique_local"],
    ["fec0::1", "private"],
    ["ff02::1", "multicast"],
    ["ff05::1:3", "multicast"],
    ["2001:db8::1", "documentation"],
    ["2001:db8:ffff::1", "documentation"],
    ["3fff::1", "documentation"],
    ["2001:2::1", "benchmarking"],
    ["2001:10::1", "protocol_assignment"],
    ["2001:1ff::1", "protocol_assignment"],
    ["100::1", "reserved"],
    ["4000::1", "reserved"],
    ["5f00::1", "reserved"],
    ["1::1", "reserved"],
  ])("%s is %s", (address, category) => {
    expect(classifyAddress(address)).toEqual({ allowed: false, family: 6, category, reason: REFUSED_CATEGORIES[category] });
  });
});

describe("classifyAddress: cloud metadata services are named as such", () => {
  it.each([
    "169.254.169.254",
    "169.254.170.2",
    "169.254.170.23",
    "100.100.100.200",
    "168.63.129.16",
    "fd00:ec2::254",
    "fd00:ec2:0:0:0:0:0:254",
    "fd00:ec2::23",
  ])("%s", (address) => {
    const verdict = classifyAddress(address);
    expect(verdict).toMatchObject({ allowed: false, category: "cloud_metadata" });
    expect(!verdict.allowed && verdict.reason).toContain("cloud metadata");
  });

  it("refuses the neighbours of a metadata address by their range", () => {
    expect(classifyAddress("169.254.169.253")).toMatchObject({ category: "link_local" });
    expect(classifyAddress("fd00:ec2::253")).toMatchObject({ category: "unique_local" });
    expect(classifyAddress("100.100.100.201")).toMatchObject({ category: "shared" });
  });
});

describe("classifyAddress: IPv6 forms that embed an IPv4 address", () => {
  it.each<[string, RefusedCategory]>([
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["0:0:0:0:0:ffff:7f00:0001", "loopback"],
    ["::FFFF:10.1.2.3", "private"],
    ["::ffff:169.254.169.254", "cloud_metadata"],
    ["::ffff:a9fe:a9fe", "cloud_metadata"],
    ["::ffff:0.0.0.0", "unspecified"],
    ["::ffff:192.168.1.1", "private"],
  ])("IPv4-mapped %s is judged by its IPv4 address: %s", (address, category) => {
    expect(classifyAddress(address)).toMatchObject({ allowed: false, family: 4, category, via: "ipv4_mapped" });
  });

  it.each<[string, RefusedCategory]>([
    ["64:ff9b::127.0.0.1", "loopback"],
    ["64:ff9b::7f00:1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "cloud_metadata"],
    ["64:ff9b::10.0.0.1", "private"],
    ["64:ff9b::100.64.0.1", "shared"],
  ])("NAT64 %s is judged by its IPv4 address: %s", (address, category) => {
    expect(classifyAddress(address)).toMatchObject({ allowed: false, family: 4, category, via: "nat64" });
  });

  it("lets a mapped or NAT64 form of a public IPv4 address pass (DNS64 networks reach the IPv4 web this way)", () => {
    expect(classifyAddress("::ffff:8.8.8.8")).toEqual({ allowed: true, family: 4, via: "ipv4_mapped" });
    expect(classifyAddress("64:ff9b::808:808")).toEqual({ allowed: true, family: 4, via: "nat64" });
  });

  it.each([
    ["::127.0.0.1", "IPv4-compatible"],
    ["::8.8.8.8", "IPv4-compatible, even of a public address"],
    ["::a9fe:a9fe", "IPv4-compatible metadata"],
    ["64:ff9b:1::8.8.8.8", "local-use NAT64"],
    ["64:ff9b:1:ffff::7f00:1", "local-use NAT64"],
    ["2002:7f00:1::1", "6to4 of 127.0.0.1"],
    ["2002:808:808::1", "6to4 of a public address"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"],
    ["2001::1", "Teredo"],
  ])("refuses %s outright (%s)", (address) => {
    expect(classifyAddress(address)).toMatchObject({ allowed: false, family: 6, category: "transition" });
  });

  it("does not mistake a neighbour of the NAT64 prefix for it", () => {
    expect(classifyAddress("64:ff9b:0:0:1::7f00:1")).toMatchObject({ allowed: false, category: "reserved" });
    expect(classifyAddress("0:0:0:0:1:ffff:7f00:1")).toMatchObject({ allowed: false, category: "reserved" });
  });
});

describe("classifyAddress: zone ids", () => {
  it.each<[string, RefusedCategory]>([
    ["fe80::1%eth0", "link_local"],
    ["fe80::1%1", "link_local"],
    ["::1%lo", "loopback"],
    ["fd00:ec2::254%eth0", "cloud_metadata"],
    ["ff02::1%en0", "multicast"],
  ])("%s is judged without its zone: %s", (address, category) => {
    expect(classifyAddress(address)).toMatchObject({ allowed: false, category });
  });

  it("refuses a public address that carries a zone id", () => {
    expect(classifyAddress("2606:4700::1%eth0")).toMatchObject({ allowed: false, category: "zoned" });
  });

  it("refuses a zone on an IPv4 address as not an address", () => {
    expect(classifyAddress("8.8.8.8%eth0")).toMatchObject({ allowed: false, category: "invalid" });
  });
});

describe("classifyAddress: anything that is not an IP address", () => {
  it.each(["", "example.com", "localhost", "1.2.3", "256.1.1.1", "01.2.3.4", "0x7f.0.0.1", "2130706433", "[::1]", "::ffff:1.2.3.4.5", "1.2.3.4 ", "%eth0"])(
    "%j is refused as invalid",
    (text) => {
      expect(classifyAddress(text)).toMatchObject({ allowed: false, family: 0, category: "invalid" });
    },
  );
});

describe("ipv6Groups", () => {
  it.each<[string, number[]]>([
    ["::", [0, 0, 0, 0, 0, 0, 0, 0]],
    ["::1", [0, 0, 0, 0, 0, 0, 0, 1]],
    ["1::", [1, 0, 0, 0, 0, 0, 0, 0]],
    ["2001:db8::ff00:42:8329", [0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329]],
    ["::ffff:1.2.3.4", [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]],
    ["64:ff9b::255.255.255.255", [0x64, 0xff9b, 0, 0, 0, 0, 0xffff, 0xffff]],
    ["1:2:3:4:5:6:7:8", [1, 2, 3, 4, 5, 6, 7, 8]],
    ["FD00:EC2::254", [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]],
  ])("%s", (address, groups) => {
    expect(ipv6Groups(address)).toEqual(groups);
  });
});
