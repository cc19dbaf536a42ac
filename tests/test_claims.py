"""Every registered claim is a regression test (one item per claim × backend, via the pytest plugin)."""


def test_claim(registered_claim, check_registered):
    check_registered(registered_claim)
