"""Whatever is pasted or typed into the preview, it answers with a page, never a server error, and saves nothing."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from actions.models import Action
from tests.dashboard.test_preview import _editor, _url, offline  # noqa: F401 (a fixture)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
texts = st.one_of(
    json_values.map(json.dumps),
    st.text(max_size=60),
    st.integers(min_value=1, max_value=100_000).map(lambda n: "[" * n),
    st.integers(min_value=1, max_value=100_000).map(lambda n: "$.traits.a | " + "[" * n),
    st.integers(min_value=1, max_value=2_000).map(lambda n: '{"a": ' * n + "1" + "}" * n),
    st.sampled_from(['{"n": 1e999}', '{"n": NaN}', "[1e999]", '{"@replace": {"value": "a"}}']),
)
hypothesis_settings = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@hypothesis_settings
@given(event=texts, mapping=texts)
# A directive missing its arguments, typed before the form is saved.
@example(event='{"": 0}', mapping='{"@replace": {"value": ""}}')
def test_it_answers_any_pasted_event_and_mapping_without_a_server_error(team, offline, event, mapping):  # noqa: F811
    response = team.client_for("owner").post(
        _url(offline, "preview"), _editor(event_json=event, field__Company=mapping), HTTP_HX_REQUEST="true"
    )

    assert response.status_code in (200, 400)
    assert not Action.objects.exists()


@hypothesis_settings
@given(raw=st.binary(max_size=300))
def test_it_answers_any_bytes_without_a_server_error(team, offline, raw):  # noqa: F811
    response = team.client_for("owner").post(
        _url(offline, "preview"),
        raw,
        content_type="application/x-www-form-urlencoded",
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code in (200, 400)
    assert not Action.objects.exists()
