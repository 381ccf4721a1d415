import pytest

from config.env import (
    ConfigurationError,
    env_bool,
    env_host_ports,
    env_int,
    env_list,
    env_url,
)


def test_it_reads_booleans_in_their_usual_spellings():
    assert env_bool("X", False, environ={"X": "yes"}) is True
    assert env_bool("X", True, environ={"X": "0"}) is False
    assert env_bool("X", True, environ={}) is True


def test_it_refuses_a_boolean_it_cannot_read():
    with pytest.raises(ConfigurationError, match="X must be one of"):
        env_bool("X", False, environ={"X": "maybe"})


def test_it_checks_integer_bounds():
    assert env_int("N", 3, environ={"N": " 7 "}) == 7
    with pytest.raises(ConfigurationError, match="at least 1"):
        env_int("N", 3, minimum=1, environ={"N": "0"})
    with pytest.raises(ConfigurationError, match="whole number"):
        env_int("N", 3, environ={"N": "1.5"})


def test_it_splits_lists_and_drops_blanks():
    assert env_list("L", ["d"], environ={"L": "a, b,,c "}) == ["a", "b", "c"]
    assert env_list("L", ["d"], environ={}) == ["d"]


def test_it_requires_absolute_urls_and_strips_the_trailing_slash():
    assert env_url("U", "", environ={"U": "https://x.example/"}) == "https://x.example"
    with pytest.raises(ConfigurationError, match="absolute"):
        env_url("U", "", environ={"U": "x.example"})
    with pytest.raises(ConfigurationError, match="query"):
        env_url("U", "", environ={"U": "https://x.example/?a=1"})


def test_it_reads_host_port_lists():
    assert env_host_ports("H", environ={"H": "127.0.0.1:8081,Localhost:9"}) == [
        "127.0.0.1:8081",
        "localhost:9",
    ]
    with pytest.raises(ConfigurationError, match="host:port"):
        env_host_ports("H", environ={"H": "http://127.0.0.1:8081"})
