import pytest

from deliveries.matching import canonical_id, match_key


@pytest.mark.parametrize(
    ("id18", "id15"),
    [("001550V000WOQZiACP", "001550V000WOQZi"), ("a0BA0000000L2ZCMA0", "a0BA0000000L2ZC")],
)
def test_it_recovers_the_case_of_an_18_character_id(id18, id15):
    assert canonical_id(id18) == id15
    assert canonical_id(id18.lower()) == id15


def test_it_matches_15_and_18_character_ids():
    assert match_key("001550V000WOQZi", "id") == match_key("001550v000woqziacp", "reference")


def test_it_tells_15_character_ids_apart_by_case():
    assert match_key("001550V000WOQZi", "id") != match_key("001550V000WOQZI", "id")


def test_it_compares_text_without_case_unless_the_field_is_case_sensitive():
    assert match_key("Ada@X.io", "email") == match_key("ada@x.io", "email")
    assert match_key("Ab", "string", case_sensitive=True) != match_key("ab", "string", case_sensitive=True)


def test_it_compares_numbers_by_value():
    assert match_key("10", "double") == match_key(10.0, "double") == match_key(10, "int")
