//! Whether network addresses can be reached from the internet.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Address blocks no internet client can come from: RFC 1918, the carrier-grade NAT block of
/// RFC 6598, IPv6 unique local addresses, and loopback.
const PRIVATE_RANGES: [(IpAddr, u8); 7] = [
    (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)), 8),
    (IpAddr::V4(Ipv4Addr::new(172, 16, 0, 0)), 12),
    (IpAddr::V4(Ipv4Addr::new(192, 168, 0, 0)), 16),
    (IpAddr::V4(Ipv4Addr::new(100, 64, 0, 0)), 10),
    (IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)), 8),
    (IpAddr::V6(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0)), 7),
    (IpAddr::V6(Ipv6Addr::LOCALHOST), 128),
];

/// True when `address` (a plain IP address) is private. A value that is not an IP address
/// is not shown to be private. IPv4 addresses mapped into IPv6 are judged as IPv4.
pub fn is_private_address(address: &str) -> bool {
    let Ok(ip) = address.trim().parse::<IpAddr>() else {
        return false;
    };
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    let width = if ip.is_ipv4() { 32 } else { 128 };
    let single = Cidr::new(ip, width);
    PRIVATE_RANGES
        .into_iter()
        .any(|(block, prefix)| Cidr::new(block, prefix).contains(&single))
}

/// True when every address of the CIDR `range` is private. A bare address is refused, as
/// Kubernetes refuses it in source ranges.
pub fn is_private_range(range: &str) -> bool {
    let Some(range) = Cidr::parse(range) else {
        return false;
    };

    PRIVATE_RANGES
        .into_iter()
        .any(|(address, prefix)| Cidr::new(address, prefix).contains(&range))
}

/// An address block, as the bits of its address, the width of its family and its prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cidr {
    bits: u128,
    width: u8,
    prefix: u8,
}

impl Cidr {
    fn new(address: IpAddr, prefix: u8) -> Cidr {
        let (bits, width) = match address {
            IpAddr::V4(address) => (u128::from(u32::from(address)), 32),
            IpAddr::V6(address) => (u128::from(address), 128),
        };
        Cidr {
            bits,
            width,
            prefix,
        }
    }

    /// Parses `address/prefix`; a bare address is refused, as Kubernetes refuses it.
    fn parse(text: &str) -> Option<Cidr> {
        let (address, prefix) = text.split_once('/')?;
        let address: IpAddr = address.parse().ok()?;
        let prefix: u8 = prefix.parse().ok()?;

        let cidr = Cidr::new(address, prefix);
        (prefix <= cidr.width).then_some(cidr)
    }

    /// Whether every address of `other` lies in this block.
    fn contains(&self, other: &Cidr) -> bool {
        let same_family = self.width == other.width;
        let narrower = other.prefix >= self.prefix;

        same_family && narrower && self.leading_bits(self.bits) == self.leading_bits(other.bits)
    }

    fn leading_bits(&self, bits: u128) -> u128 {
        let shift = u32::from(self.width - self.prefix);
        bits.checked_shr(shift).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_blocks_and_addresses_are_private() {
        for range in [
            "10.0.0.0/8",
            "10.1.2.0/24",
            "172.16.0.0/12",
            "192.168.1.0/24",
            "100.64.0.0/10",
            "fd00::/8",
        ] {
            assert!(is_private_range(range), "{range}");
        }
        for address in [
            "10.0.0.5",
            "192.168.0.1",
            "127.0.0.1",
            "100.100.1.1",
            "fc00::1",
            "::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_private_address(address), "{address}");
        }
    }

    #[test]
    fn public_blocks_and_addresses_are_not_private() {
        for range in [
            "0.0.0.0/0",
            "8.8.8.0/24",
            "10.0.0.0/7",
            "10.0.0.1",
            "not-a-cidr",
            "2001:db8::/32",
        ] {
            assert!(!is_private_range(range), "{range}");
        }
        for address in [
            "8.8.8.8",
            "100.128.0.1",
            "2001:db8::1",
            "gateway.example.com",
            "",
        ] {
            assert!(!is_private_address(address), "{address}");
        }
    }
}
