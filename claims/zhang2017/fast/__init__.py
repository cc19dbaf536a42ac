"""zhang2017 torch fast paths, one module per part of ``claims/zhang2017/`` (``_common`` is shared by several
parts). Never imports ``reference``."""
