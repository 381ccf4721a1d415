"""Building default mappings and listing the paths a mapping reads."""

from actions.mapping import coalesce, path, paths_used, render_fields, validate

LEAD_DEFAULTS = {
    "LastName": coalesce("$.traits.last_name", "$.properties.last_name"),
    "FirstName": coalesce("$.traits.first_name", "$.properties.first_name"),
    "Company": coalesce("$.traits.company", "$.properties.company"),
    "Email": coalesce("$.traits.email", "$.properties.email"),
    "City": coalesce("$.traits.address.city", "$.properties.address.city"),
    "State": coalesce("$.traits.address.state", "$.properties.address.state"),
    "Street": coalesce("$.traits.address.street", "$.properties.address.street"),
    "PostalCode": coalesce("$.traits.address.postal_code", "$.properties.address.postal_code"),
    "Country": coalesce("$.traits.address.country", "$.properties.address.country"),
}


def test_it_builds_a_path_mapping():
    assert path("$.traits.email") == {"@path": "$.traits.email"}


def test_it_builds_a_coalesce_the_way_the_hosted_products_write_it():
    assert coalesce("$.traits.email", "$.properties.email") == {
        "@if": {
            "exists": {"@path": "$.traits.email"},
            "then": {"@path": "$.traits.email"},
            "else": {"@path": "$.properties.email"},
        }
    }


def test_it_validates_the_lead_defaults():
    assert validate(LEAD_DEFAULTS) == []


def test_it_renders_the_lead_defaults_from_traits_then_properties():
    event = {
        "type": "identify",
        "traits": {"last_name": "Lovelace", "email": None, "address": {"city": "London", "state": ""}},
        "properties": {"company": "Analytical", "email": "ada@x.io", "address": {"city": "Paris"}},
    }

    assert render_fields(LEAD_DEFAULTS, event) == {
        "LastName": "Lovelace",
        "Company": "Analytical",
        # A null trait falls back to the property.
        "Email": "ada@x.io",
        "City": "London",
    }


def test_it_renders_a_null_when_both_trait_and_property_are_null():
    event = {"traits": {"email": None}, "properties": {"email": None}}

    assert render_fields({"Email": LEAD_DEFAULTS["Email"]}, event) == {"Email": None}


def test_it_lists_the_paths_a_mapping_reads():
    assert paths_used(LEAD_DEFAULTS["Email"]) == {"traits.email", "properties.email"}


def test_it_lists_paths_canonically():
    assert paths_used({"a": path("traits.tags.0"), "b": path("$.")}) == {"traits.tags[0]", ""}


def test_it_lists_the_paths_of_template_placeholders():
    mapping = {"@template": "{{traits.first_name}} {{{ traits.last_name }}}"}

    assert paths_used(mapping) == {"traits.first_name", "traits.last_name"}


def test_it_lists_paths_inside_every_directive():
    mapping = {
        "a": {"@case": {"operator": "lower", "value": path("$.a")}},
        "b": [{"@merge": {"objects": [path("$.b"), {"x": path("$.c")}]}}],
        "c": {"@replace": {"value": path("$.d"), "pattern": "x"}},
        "d": {"@literal": path("$.e")},
    }

    assert paths_used(mapping) == {"a", "b", "c", "d", "e"}


def test_it_lists_item_shape_paths_under_the_array():
    mapping = {"@arrayPath": ["$.properties.products", {"sku": path("$.productId"), "i": path("[0]")}]}

    assert paths_used(mapping) == {
        "properties.products",
        "properties.products[].productId",
        "properties.products[][0]",
    }


def test_it_lists_item_shape_paths_under_an_array_read_by_a_directive():
    mapping = {"@arrayPath": [coalesce("$.properties.items", "$.traits.items"), {"sku": path("$.sku")}]}

    assert paths_used(mapping) == {
        "properties.items",
        "traits.items",
        "properties.items[].sku",
        "traits.items[].sku",
    }


def test_it_skips_paths_that_do_not_parse():
    assert paths_used({"a": path("a..b"), "b": {"@template": "{{x"}, "c": {"@path": 3}}) == set()
