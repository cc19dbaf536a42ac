"""zhang2017 claims (module being written)."""

CLAIMS: tuple = ()
