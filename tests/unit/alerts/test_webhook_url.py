"""Which webhook URLs an alert may store: the URL is carried in every match for a relay to
POST to, so it must not name an address inside the network the relay runs in."""

from __future__ import annotations

import pytest

from archive_search.alerts import model
from archive_search.errors import InvalidRequest

pytestmark = pytest.mark.unit


def _check(url: str) -> None:
    request = model.AlertRequest.model_validate(
        {"name": "n", "q": "ferry", "target": "webhook", "webhook_url": url}
    )
    model.check_target(request)


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/iam/",  # the instance metadata service
        "https://[fd00:ec2::254]/latest/meta-data/",  # its IPv6 address
        "https://[::ffff:169.254.169.254]/",  # IPv4 written as IPv6
        "https://2852039166/",  # 169.254.169.254 as one decimal number
        "https://0xa9.0xfe.0xa9.0xfe/",  # and in hexadecimal parts
        "https://10.0.0.5:8443/hook",
        "https://172.16.3.4/hook",
        "https://192.168.1.1/hook",
        "https://100.64.0.1/hook",  # shared address space
        "https://0.0.0.0/hook",
        "https://127.0.0.2/hook",  # loopback beyond the hosts named for local use
        "https://169.254.169.254./latest/",  # a final dot: the root of DNS, the same address
        "https://2852039166./",
    ],
)
def test_a_webhook_url_naming_an_internal_address_is_refused(url: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        _check(url)
    assert refused.value.parameter == "webhook_url"


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example/x",
        "https://93.184.216.34/x",
        "https://[2606:4700::1]/x",
        "http://127.0.0.1:9/x",
    ],
)
def test_a_public_webhook_url_or_one_to_this_machine_is_stored(url: str) -> None:
    _check(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks..example/x",  # an empty label
        "https://" + "x" * 64 + ".example/x",  # a label past DNS's 63 characters
        "https://" + "a." * 127 + "example/x",  # a name past DNS's 253 characters
    ],
)
def test_a_webhook_host_no_resolver_can_look_up_is_refused(url: str) -> None:
    # The relay could never call it: every match would be retried for a day and a half, then
    # dead-lettered.
    with pytest.raises(InvalidRequest, match="not a host name") as refused:
        _check(url)
    assert refused.value.parameter == "webhook_url"


def test_an_international_host_name_is_stored() -> None:
    _check("https://bücher.example/hook")


@pytest.mark.parametrize(
    "url",
    ["https://user:secret@hooks.example/x", "https://token@hooks.example/x", "https://:pw@hooks.example/"],
)
def test_a_webhook_url_with_a_user_name_or_password_is_refused(url: str) -> None:
    # The relay sends no credentials from the URL (the signature authenticates a delivery),
    # and the URL is in every Alert Matched event on the bus: a password there would leak.
    with pytest.raises(InvalidRequest, match="user name or password") as refused:
        _check(url)
    assert refused.value.parameter == "webhook_url"
    assert "secret" not in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://[64:ff9b::a9fe:a9fe]/",  # NAT64 (RFC 6052): a NAT gateway reaches 169.254.169.254
        "https://[64:ff9b::10.0.0.5]/",
        "https://[64:ff9b:1::a00:5]/",  # local-use NAT64 (RFC 8215): the network's own
        "https://[2002:a9fe:a9fe::1]/",  # 6to4 (RFC 3056) of 169.254.169.254
        "https://[::a9fe:a9fe]/",  # IPv4-compatible (RFC 4291, deprecated)
        "https://[fec0::1]/",  # site-local (RFC 3879, deprecated)
    ],
)
def test_an_ipv6_address_carrying_an_internal_ipv4_address_is_refused(url: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        _check(url)
    assert refused.value.parameter == "webhook_url"


@pytest.mark.parametrize("url", ["https://[64:ff9b::5db8:d70e]/", "https://[2002:5db8:d70e::1]/"])
def test_an_ipv6_address_carrying_a_public_ipv4_address_is_stored(url: str) -> None:
    _check(url)


def test_a_webhook_url_on_port_0_is_refused() -> None:
    # No server listens on port 0; the relay read it as "no port" and called 443 instead.
    with pytest.raises(InvalidRequest, match="port") as refused:
        _check("https://hooks.example:0/x")
    assert refused.value.parameter == "webhook_url"
