from deliveries.matching import match_key


def test_it_matches_15_and_18_character_ids():
    assert match_key("001550V000WOQZi", "id") == match_key("001550V000WOQZiACP", "reference")


def test_it_tells_15_character_ids_apart_by_case():
    assert match_key("001550V000WOQZi", "id") != match_key("001550V000WOQZI", "id")


def test_it_compares_text_without_case_unless_the_field_is_case_sensitive():
    assert match_key("Ada@X.io", "email") == match_key("ada@x.io", "email")
    assert match_key("Ab", "string", case_sensitive=True) != match_key("ab", "string", case_sensitive=True)


def test_it_compares_numbers_by_value():
    assert match_key("10", "double") == match_key(10.0, "double") == match_key(10, "int")
