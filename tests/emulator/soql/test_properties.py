"""Properties over open-ended input: quoting, LIKE, and never crashing."""

# The tests build SOQL text on purpose; no database is behind it.
# ruff: noqa: S608

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from salesforce_emulator.soql import SoqlError, execute

from .conftest import DictSource, ScanOnlySource, ids_of, lead, make_schema
from .quoting import quote

SCHEMA = make_schema()


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=60), st.lists(st.text(max_size=8), max_size=4))
def test_it_matches_exactly_the_records_equal_to_a_quoted_string(value, others):
    candidates = [value, value.upper(), value.lower(), value.swapcase(), value + "x", "x" + value, *others]
    records = [lead(Company=candidate) for candidate in candidates]
    expected = {r["Id"] for r in records if r["Company"] and r["Company"].lower() == value.lower()}
    text = f"SELECT Id FROM Lead WHERE Company = {quote(value)}"
    for source in (DictSource({"Lead": records}), ScanOnlySource({"Lead": records})):
        assert set(ids_of(execute(text, SCHEMA, source))) == expected


# A LIKE pattern as items: a wildcard, or a literal character (% and _ escaped).
like_item = st.one_of(
    st.sampled_from(["%", "_"]), st.sampled_from(list("aAb%_'\\")).map(lambda c: ("lit", c))
)


LIKE_ESCAPES = {"%": "\\%", "_": "\\_", "'": "\\'", "\\": "\\\\"}


def _soql_pattern(items):
    body = ""
    for item in items:
        if isinstance(item, tuple):
            char: str = item[1]
            body += LIKE_ESCAPES.get(char, char)
        else:
            body += item
    return "'" + body + "'"


def _oracle(items):
    parts = [
        re.escape(item[1]) if isinstance(item, tuple) else (".*" if item == "%" else ".") for item in items
    ]
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(like_item, max_size=8),
    st.lists(st.text(alphabet="aAbB%_'\\", max_size=8), min_size=1, max_size=6),
)
def test_it_matches_like_patterns_as_a_regular_expression_would(items, texts):
    records = [lead(Company=text) for text in texts]
    oracle = _oracle(items)
    expected = {r["Id"] for r in records if r["Company"] and oracle.fullmatch(r["Company"])}
    query = f"SELECT Id FROM Lead WHERE Company LIKE {_soql_pattern(items)}"
    assert set(ids_of(execute(query, SCHEMA, DictSource({"Lead": records})))) == expected


fragments = st.sampled_from(
    [
        "SELECT", "Id", ",", "Email", "FROM", "Lead", "WHERE", "AND", "OR", "NOT", "(", ")", "=", "!=", "<",
        "IN", "LIKE", "'a'", "'", "\\", "null", "TRUE", "5", "-1.5", "2024-05-01", "2024-05-01T00:00:00Z",
        "TODAY", "LAST_N_DAYS:3", "ORDER", "BY", "DESC", "NULLS", "LAST", "LIMIT", "OFFSET", "COUNT()",
        "Account__r.Name", "INCLUDES", "Interests__c", "\n", '"', ":x", "Description", "Birthdate__c",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(max_size=80),
        st.lists(fragments, max_size=16).map(" ".join),
        st.lists(fragments, max_size=10).map(lambda words: "SELECT Id FROM Lead WHERE " + " ".join(words)),
    )
)
def test_it_answers_or_refuses_any_text_without_crashing(text):
    source = DictSource({"Lead": [lead(Email="a@x.com")]})
    try:
        execute(text, SCHEMA, source)
    except SoqlError as error:
        assert error.error_code in {
            "MALFORMED_QUERY",
            "INVALID_FIELD",
            "INVALID_TYPE",
            "INVALID_QUERY_FILTER_OPERATOR",
        }
        assert error.message
