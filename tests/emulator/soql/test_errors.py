"""Refusals: Salesforce's error codes, texts and caret blocks, exactly."""

# The tests build SOQL text on purpose; no database is behind it.
# ruff: noqa: S608

import pytest

from salesforce_emulator.soql import SoqlError, execute

from .conftest import DictSource

NO_SUCH_COLUMN_TAIL = (
    "If you are attempting to use a custom field, be sure to append the '__c' after the custom "
    "field name. Please reference your WSDL or the describe call for the appropriate names."
)


def refusal(schema, text):
    with pytest.raises(SoqlError) as caught:
        execute(text, schema, DictSource({}))
    return caught.value.error_code, caught.value.message


def test_it_refuses_an_empty_query_without_a_caret(schema):
    assert refusal(schema, "") == ("MALFORMED_QUERY", "SOQL statements cannot be empty or null")
    assert refusal(schema, "  \n\t ") == ("MALFORMED_QUERY", "SOQL statements cannot be empty or null")


def test_it_refuses_an_unknown_object_with_invalid_type(schema):
    assert refusal(schema, "SELECT Id FROM Nope__c") == (
        "INVALID_TYPE",
        "\nSELECT Id FROM Nope__c\n               ^\nERROR at Row:1:Column:16\n"
        "sObject type 'Nope__c' is not supported. If you are attempting to use a custom object, be sure "
        "to append the '__c' after the entity name. Please reference your WSDL or the describe call for "
        "the appropriate names.",
    )


def test_it_refuses_an_unknown_selected_field_with_the_caret_under_it(schema):
    assert refusal(schema, "SELECT Foo FROM Account") == (
        "INVALID_FIELD",
        "\nSELECT Foo FROM Account\n       ^\nERROR at Row:1:Column:8\n"
        f"No such column 'Foo' on entity 'Account'. {NO_SUCH_COLUMN_TAIL}",
    )


def test_it_checks_the_object_before_the_fields(schema):
    code, _ = refusal(schema, "SELECT Foo FROM Nope")
    assert code == "INVALID_TYPE"


def test_it_refuses_an_unknown_field_in_where_and_order_by(schema):
    code, message = refusal(schema, "SELECT Id FROM Lead WHERE Emial = 'a@x'")
    assert code == "INVALID_FIELD"
    assert message.endswith(f"No such column 'Emial' on entity 'Lead'. {NO_SUCH_COLUMN_TAIL}")
    code, message = refusal(schema, "SELECT Id FROM Lead ORDER BY Emial")
    assert code == "INVALID_FIELD"
    assert "\nERROR at Row:1:Column:30\nNo such column 'Emial'" in message


def test_it_refuses_an_unknown_relationship(schema):
    code, message = refusal(schema, "SELECT Owner.Name FROM Lead")
    assert code == "INVALID_FIELD"
    assert message == (
        "\nSELECT Owner.Name FROM Lead\n       ^\nERROR at Row:1:Column:8\n"
        "Didn't understand relationship 'Owner' in field path. If you are attempting to use a custom "
        "relationship, be sure to append the '__r' after the custom relationship name. Please reference "
        "your WSDL or the describe call for the appropriate names."
    )


def test_it_names_the_parent_entity_for_an_unknown_parent_field(schema):
    _, message = refusal(schema, "SELECT Account__r.Nope FROM Lead")
    assert message.endswith(f"No such column 'Nope' on entity 'Account'. {NO_SUCH_COLUMN_TAIL}")


def test_it_refuses_a_field_that_cannot_be_filtered(schema):
    assert refusal(schema, "SELECT Id FROM Account WHERE Description = 'x'") == (
        "INVALID_FIELD",
        "\nId FROM Account WHERE Description = 'x'\n                      ^\nERROR at Row:1:Column:30\n"
        "field 'Description' can not be filtered in query call",
    )


def test_it_refuses_to_sort_on_a_field_that_cannot_be_sorted(schema):
    assert refusal(schema, "SELECT Id FROM Account ORDER BY Description") == (
        "MALFORMED_QUERY",
        "\nFROM Account ORDER BY Description\n                      ^\nERROR at Row:1:Column:33\n"
        "field 'Description' can not be sorted in a query call",
    )


def test_it_refuses_a_number_for_a_text_field(schema):
    # The shape of a captured response: four tokens echoed before the field.
    assert refusal(schema, "select Id, Company from Lead where Company = 3999") == (
        "INVALID_FIELD",
        "\nCompany from Lead where Company = 3999\n                        ^\nERROR at Row:1:Column:36\n"
        "value of filter criterion for field 'Company' must be of type string and should be enclosed "
        "in quotes",
    )


@pytest.mark.parametrize(
    ("condition", "type_name"),
    [
        ("Score__c = '1.5'", "double"),
        ("AnnualRevenue = '10'", "double"),
        ("NumberOfEmployees = '10'", "int"),
        ("HasOptedOutOfEmail = 'true'", "boolean"),
        ("Birthdate__c = '2024-05-01'", "date"),
        ("Birthdate__c = 2024-05-01T00:00:00Z", "date"),
        ("LastTouch__c = 2024-05-01", "dateTime"),
        ("LastTouch__c = '2024-05-01T00:00:00Z'", "dateTime"),
    ],
)
def test_it_refuses_a_quoted_or_wrong_literal_for_an_unquoted_type(schema, condition, type_name):
    code, message = refusal(schema, f"SELECT Id FROM Lead WHERE {condition}")
    field = condition.split(" ")[0]
    assert code == "INVALID_FIELD"
    assert message.endswith(
        f"\nvalue of filter criterion for field '{field}' must be of type {type_name} "
        "and should not be enclosed in quotes"
    )


def test_it_refuses_a_bare_value_for_an_id_field(schema):
    _, message = refusal(schema, "SELECT Id FROM Lead WHERE Account__c = 5")
    assert message.endswith("must be of type id and should be enclosed in quotes")


def test_it_refuses_a_malformed_id_literal(schema):
    assert refusal(schema, "SELECT Id FROM Lead WHERE Id = 'Edge Communications'") == (
        "INVALID_QUERY_FILTER_OPERATOR",
        "\nId FROM Lead WHERE Id = 'Edge Communications'\n                   ^\nERROR at Row:1:Column:27\n"
        "invalid ID field: Edge Communications",
    )


def test_it_refuses_an_id_whose_suffix_does_not_match(schema):
    code, message = refusal(schema, "SELECT Id FROM Lead WHERE Account__c IN ('001550V000WOQZiAAA')")
    assert code == "INVALID_QUERY_FILTER_OPERATOR"
    assert message.endswith("invalid ID field: 001550V000WOQZiAAA")


def test_it_refuses_like_on_an_id_field(schema):
    code, message = refusal(schema, "SELECT Id FROM Lead WHERE Id LIKE '00Q%'")
    assert (code, message.rsplit("\n", 1)[1]) == (
        "INVALID_QUERY_FILTER_OPERATOR",
        "invalid operator on id field",
    )


def test_it_refuses_includes_on_a_field_that_is_not_a_multipicklist(schema):
    code, _ = refusal(schema, "SELECT Id FROM Lead WHERE Status INCLUDES ('Open')")
    assert code == "INVALID_QUERY_FILTER_OPERATOR"


def test_it_reports_an_unexpected_token_one_column_early_as_salesforce_does(schema):
    # Captured: "\nSELECT Id, FROM Account\n          ^\nERROR at Row:1:Column:11\n..."
    assert refusal(schema, "SELECT Id, FROM Account") == (
        "MALFORMED_QUERY",
        "\nSELECT Id, FROM Account\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FROM'",
    )


def test_it_reports_the_end_of_the_query_as_eof(schema):
    assert refusal(schema, "SELECT Id FROM Account WHERE") == (
        "MALFORMED_QUERY",
        "\nSELECT Id FROM Account WHERE\n"
        + " " * 27
        + "^\nERROR at Row:1:Column:28\nunexpected token: <EOF>",
    )


def test_it_refuses_and_mixed_with_or_without_parentheses(schema):
    text = (
        "SELECT Id, Email, Name\nFROM Contact\n"
        "WHERE AccountId = '0014000000p6XlS' AND LastName LIKE 'test' OR email LIKE 'test'"
    )
    # The object is checked after the syntax, so an unknown one does not matter here.
    assert refusal(schema, text) == (
        "MALFORMED_QUERY",
        "\n'0014000000p6XlS' AND LastName LIKE 'test' OR email LIKE 'test'\n"
        + " " * 42
        + "^\nERROR at Row:3:Column:61\nunexpected token: 'OR'",
    )


def test_it_refuses_or_mixed_with_and_without_parentheses(schema):
    _, message = refusal(schema, "SELECT Id FROM Lead WHERE Email = 'a' OR Email = 'b' AND Status = 'Open'")
    assert message.endswith("unexpected token: 'AND'")


def test_it_refuses_not_after_and(schema):
    _, message = refusal(schema, "SELECT Id FROM Lead WHERE Email != null AND NOT Status = 'Open'")
    assert message.endswith("unexpected token: 'NOT'")


def test_it_refuses_not_followed_by_and_at_the_same_level(schema):
    _, message = refusal(schema, "SELECT Id FROM Lead WHERE NOT (NOT Status = 'Open' AND Email = null)")
    assert message.endswith("unexpected token: 'AND'")


def test_it_refuses_double_quotes_as_the_lexer_does(schema):
    # Captured: "...Id = \"00v3D000003BjNa\"\n ... ERROR at Row:1:Column:58\nline 1:58 no viable ..."
    text = 'SELECT FirstName, LastName FROM CampaignMember WHERE Id = "00v3D000003BjNa"'
    assert refusal(schema, text) == (
        "MALFORMED_QUERY",
        '\nFROM CampaignMember WHERE Id = "00v3D000003BjNa"\n'
        + " " * 30
        + "^\nERROR at Row:1:Column:58\nline 1:58 no viable alternative at character '\"'",
    )


def test_it_refuses_a_backslash_sequence_salesforce_does_not_know(schema):
    # Captured: "Invalid string literal 'Anne\-Marie'. Illegal character sequence '\-' ..."
    text = "SELECT Id, Score__c from Lead where FirstName = 'Anne\\-Marie'"
    assert refusal(schema, text) == (
        "MALFORMED_QUERY",
        "\nfrom Lead where FirstName = 'Anne\\-Marie'\n" + " " * 27 + "^\nERROR at Row:1:Column:48\n"
        "Invalid string literal 'Anne\\-Marie'. Illegal character sequence '\\-' in string literal.",
    )


@pytest.mark.parametrize("sequence", ["\\x", "\\a", "\\0", "\\u12G4", "\\U00e9"])
def test_it_refuses_every_unknown_escape(schema, sequence):
    code, message = refusal(schema, f"SELECT Id FROM Lead WHERE LastName = 'a{sequence}'")
    assert code == "MALFORMED_QUERY"
    assert "Illegal character sequence" in message


@pytest.mark.parametrize("escape", ["\\%", "\\_"])
def test_it_refuses_like_escapes_outside_like(schema, escape):
    code, message = refusal(schema, f"SELECT Id FROM Lead WHERE LastName = '100{escape}'")
    assert code == "MALFORMED_QUERY"
    assert message.endswith(
        f"\nInvalid string literal '100{escape}'. Illegal character sequence '{escape}' in string literal."
    )


def test_it_refuses_an_unterminated_string_at_its_opening_quote(schema):
    # Captured: "ContentVersion WHERE ContentDocumentId = '''\n<42 spaces>^ ... unexpected token: '''"
    text = "SELECT Id FROM ContentVersion WHERE ContentDocumentId = '''"
    assert refusal(schema, text) == (
        "MALFORMED_QUERY",
        "\nContentVersion WHERE ContentDocumentId = '''\n"
        + " " * 42
        + "^\nERROR at Row:1:Column:58\nunexpected token: '''",
    )


def test_it_refuses_a_string_literal_over_4000_characters(schema):
    code, _ = refusal(schema, f"SELECT Id FROM Lead WHERE LastName = '{'a' * 4001}'")
    assert code == "MALFORMED_QUERY"
    execute(f"SELECT Id FROM Lead WHERE LastName = '{'a' * 4000}'", schema, DictSource({}))


def test_it_counts_an_escape_as_one_character_of_the_4000(schema):
    execute(f"SELECT Id FROM Lead WHERE LastName = '{chr(92) * 8000}'", schema, DictSource({}))


def test_it_refuses_a_statement_over_100000_characters(schema):
    values = ", ".join(["'abcdefghij'"] * 8000)
    assert refusal(schema, f"SELECT Id FROM Lead WHERE LastName IN ({values})") == (
        "MALFORMED_QUERY",
        "SOQL statements can not be longer than 100000 characters.",
    )


def test_it_refuses_bind_variables(schema):
    _, message = refusal(schema, "SELECT Id FROM Lead WHERE Email = :email")
    assert message.endswith("\nBind variables only allowed in Apex code")


def test_it_refuses_a_field_selected_twice(schema):
    assert refusal(schema, "SELECT Id, Email, email FROM Lead") == (
        "INVALID_FIELD",
        "duplicate field selected: email",
    )


def test_it_refuses_clauses_out_of_order(schema):
    _, message = refusal(schema, "SELECT Id FROM Lead OFFSET 5 LIMIT 10")
    assert message.endswith("unexpected token: 'LIMIT'")


def test_it_echoes_only_a_window_of_a_long_query(schema):
    branches = " OR ".join(f"Email = 'user{i}@example.com'" for i in range(50))
    _, message = refusal(schema, f"SELECT Id FROM Lead WHERE {branches} AND Status = 'Open'")
    # Five tokens before the offending one, up to four after (here the row's end).
    assert message == (
        "\n'user48@example.com' OR Email = 'user49@example.com' AND Status = 'Open'\n"
        + " " * 52
        + "^\nERROR at Row:1:Column:1613\nunexpected token: 'AND'"
    )


def test_it_echoes_four_tokens_either_side_of_a_semantic_error(schema):
    text = "SELECT Id, LastName, Email, FirstName, Company, Nope__c, Status, Score__c, Birthdate__c FROM Lead"
    _, message = refusal(schema, text)
    assert message.startswith(
        "\nFirstName, Company, Nope__c, Status, Score__c\n" + " " * 20 + "^\nERROR at Row:1:Column:49\n"
    )


def test_it_refuses_an_offset_over_2000(schema):
    assert refusal(schema, "SELECT Id FROM Lead LIMIT 10 OFFSET 2001") == (
        "NUMBER_OUTSIDE_VALID_RANGE",
        "Maximum SOQL offset allowed is 2000",
    )
    execute("SELECT Id FROM Lead LIMIT 10 OFFSET 2000", schema, DictSource({}))


def test_it_refuses_a_bare_word_where_a_value_belongs(schema):
    _, message = refusal(schema, "SELECT Id FROM Lead WHERE LastName = Smith")
    assert message.endswith("\nunexpected token: 'Smith'")
