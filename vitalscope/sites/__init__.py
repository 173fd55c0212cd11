"""Sites: who may send beacons, with which keys, from which origins."""

from vitalscope.sites.model import Site, SiteCredentials
from vitalscope.sites.repository import SiteExists, SiteRepository

__all__ = ["Site", "SiteCredentials", "SiteExists", "SiteRepository"]
