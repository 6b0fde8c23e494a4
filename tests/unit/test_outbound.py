"""Which addresses a webhook may reach (issue 14, finding 5), and which URLs are URLs at all."""

import ipaddress

import pytest

from forum.services import outbound

ALWAYS = ["169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "fe80::1", "0.0.0.0", "::",  # noqa: S104 - addresses under test; nothing binds
          "0.1.2.3", "224.0.0.1", "ff02::1", "255.255.255.255", "240.0.0.1", "::ffff:169.254.169.254",
          "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1"]
PRIVATE = ["127.0.0.1", "127.255.0.1", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "fc00::1",
           "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1", "192.0.2.1"]
PUBLIC = ["93.184.216.34", "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", ALWAYS)
def test_link_local_metadata_and_reserved_addresses_are_refused_even_when_private_ones_are_allowed(address):
    ip = ipaddress.ip_address(address)
    assert outbound.refusal(ip, allow_private=True) == outbound.ALWAYS_REFUSED
    assert outbound.refusal(ip, allow_private=False) == outbound.ALWAYS_REFUSED


@pytest.mark.parametrize("address", PRIVATE)
def test_loopback_and_private_addresses_need_the_setting(address):
    ip = ipaddress.ip_address(address)
    assert outbound.refusal(ip, allow_private=False) == outbound.PRIVATE_REFUSED
    assert outbound.refusal(ip, allow_private=True) is None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert outbound.refusal(ipaddress.ip_address(address), allow_private=False) is None


@pytest.mark.parametrize("url", ["", "ftp://crm.example.com/x", "http://[::1/bad", "http://crm.example.com/a b",
                                 "http://crm.example.com:99999/", "http://user:pw@crm.example.com/",
                                 "http://evil.example@127.0.0.1/", "https:///path", "http://crm.example.com/\x00",
                                 "http://" + "a" * 64 + ".example/", "http://crm.example.com/" + "x" * 500])
def test_what_is_not_a_plain_http_url_is_refused(url):
    with pytest.raises(outbound.Refused) as refused:
        outbound.parse(url)
    assert refused.value.message == outbound.INVALID_URL


def test_a_url_keeps_its_name_port_and_path():
    assert outbound.parse("https://CRM.example.com/hooks?x=1") == outbound.Target(
        tls=True, host="crm.example.com", port=443, path="/hooks?x=1")
    assert outbound.parse("http://[::1]:8080") == outbound.Target(tls=False, host="::1", port=8080, path="/")
