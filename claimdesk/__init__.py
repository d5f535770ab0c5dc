"""claimdesk: statistical claims in news articles checked against their sources.

This small package holds what every layer shares: the settings object and the
error type. The work lives in `claims`, `sources`, `store`, `flows` and `review`.
"""

__version__ = "0.1.0"
