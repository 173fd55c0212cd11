"""Which addresses Vitalscope's own outbound connections may reach: alert webhooks
(alerting/delivery/ssrf.py) and synthetics browsers (synthetics/policy.py). One policy, the
stricter union of what each of them refused before, in two tiers:

- Never, whatever the settings allow (`never_reason`): cloud instance-metadata services
  (every provider's address either list had), link-local addresses (where most metadata
  services live), the unspecified address (0.0.0.0 and :: reach the machine's own services),
  multicast, and IPv6 ranges that embed or translate to another address (IPv4-mapped, NAT64,
  6to4, Teredo), through which any of these could be reached in disguise. An IPv4-mapped
  address is judged as the IPv4 address it carries first, so the reason names what it is.
- Internal (`is_internal`): everything else that is not on the public internet (loopback,
  private, shared CGNAT, reserved, broadcast). Webhooks reach these only inside
  `alerting.allow_networks`; a synthetic check reaches them only through a host its
  `allowed_hosts` name, and loopback only when that host is a loopback name or address.
"""

from __future__ import annotations

import ipaddress

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, ...
    "169.254.170.2",  # AWS ECS task metadata
    "100.100.100.200",  # Alibaba Cloud
    "192.0.0.192",  # Oracle Cloud
    "fd00:ec2::254",  # AWS over IPv6
))
METADATA_HOSTS = frozenset({"metadata", "metadata.google.internal", "metadata.goog",
                            "instance-data", "instance-data.ec2.internal"})
# IPv6 ranges carrying or translating to another address.
EMBEDDING_NETWORKS = tuple(ipaddress.IPv6Network(n) for n in (
    "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "2001::/32",
))


def never_reason(address: Address) -> str | None:
    """Why no setting may open `address`, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        mapped = never_reason(address.ipv4_mapped)
        if mapped is not None:
            return mapped
    if address in METADATA_ADDRESSES:
        return "cloud metadata address"
    if address.is_link_local:
        return "link-local address"
    if address.is_unspecified:
        return "unspecified address"
    if address.is_multicast:
        return "multicast address"
    if isinstance(address, ipaddress.IPv6Address) and any(
            address in network for network in EMBEDDING_NETWORKS):
        return "address embedding another address"
    return None


def is_internal(address: Address) -> bool:
    """Not on the public internet: loopback, private, shared, reserved, broadcast."""
    return not address.is_global


def in_networks(address: Address, networks: tuple[ipaddress.IPv4Network
                                                  | ipaddress.IPv6Network, ...]) -> bool:
    return any(address.version == n.version and address in n for n in networks)
