"""daniely2023 torch fast paths, one module per part of ``claims/daniely2023/`` (``_``-prefixed modules are
shared by several parts). Never imports ``reference``."""
