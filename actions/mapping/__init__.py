"""The mapping language: which event values go into which Salesforce fields.

A mapping is any JSON value. An object whose only key is one `@directive`
(beside an optional `_metadata`, which the hosted editors add) is evaluated
against the event; any other value is copied as it is, objects and arrays
with their members evaluated, so directives may be nested anywhere. It is
the JSON directive language of Segment's mapping-kit, which Customer.io runs
too, so that users' mappings carry over:

    @path             {"@path": "$.traits.email"}
    @if               {"@if": {"exists" | "blank": m, "then": m, "else": m}}
    @template         {"@template": "{{traits.first_name}} {{traits.last_name}}"}
    @literal          {"@literal": "{{not a template}}"}
    @case             {"@case": {"operator": "lower" | "upper", "value": m}}
    @replace          {"@replace": {"value": m, "pattern": "-", "replacement": "",
                                    "global": true, "ignorecase": false,
                                    "pattern2": "...", "replacement2": "..."}}
    @arrayPath        {"@arrayPath": ["$.properties.products", {"sku": {"@path": "$.sku"}}]}
    @json             {"@json": {"mode": "encode" | "decode", "value": m}}
    @merge            {"@merge": {"objects": [m, ...], "direction": "right" | "left"}}
    @flatten          {"@flatten": {"value": m, "separator": ".", "omitArrays": false}}
    @excludeWhenNull  {"@excludeWhenNull": m}

Missing, null and empty: a path the event does not have evaluates to
MISSING and the field is left out; an explicit null stays None (the sender
applies the action's "Clear fields on null"); `render_fields` also leaves
out a field whose value is "".

Where we differ from mapping-kit, on purpose:

- Paths: stepping into anything but an object or array is MISSING
  (mapping-kit returns a null, 0, "" or false parent itself: `traits.zero.x`
  gives 0, `traits.nick.x` gives null and could clear a CRM field). Strings
  are not indexed and `.length` is not a property. `$.` is only stripped at
  the start (mapping-kit strips the first `$.` anywhere); `$` alone is the
  whole event. Paths that mapping-kit reads loosely (`a..b`, `a.`, `a[0`,
  `a[x]`) are refused at save time instead of guessed at.
- @path and @template take text only; mapping-kit also accepts a directive
  there and reads its result as a path or template at send time, which
  cannot be checked when the mapping is saved.
- @if: an `else` of 0, "" or false is used (mapping-kit ignores a falsy
  `else` and leaves the field out). Having both `exists` and `blank`, no
  branch at all, or an unknown key (`"than"`) is refused.
- @template: objects and arrays read as compact JSON (mapping-kit prints
  `[object Object]`, and arrays as `a,b`); values are put in once, so a value
  containing "{{x}}" is not expanded again; placeholders are paths like any
  other, so `{{$.traits.name}}` works (mapping-kit reads a key "$"); a "{{"
  with no "}}" and an empty "{{ }}" are refused.
- @replace: the replacement is plain text (JavaScript reads `$&`, `$1`,
  `$$` in it); pattern and replacement may be 100 characters (10 in
  mapping-kit, a limit that protects nothing once the pattern is literal).
- @merge: only objects are merged (mapping-kit spreads a string's
  characters into the result); a member of a literal object that is MISSING
  does not override an earlier value (mapping-kit copies the `undefined`
  over it, then drops the key, losing the default); `direction` defaults to
  "right".
- @flatten: a value that is not an object (or array) is returned as it is;
  mapping-kit answers `{"": value}`, and fails on a missing value.
- @json decode: text that is not JSON (NaN included) stays the text.
- @case, @replace, @json: the `value` mapping is evaluated like any other;
  mapping-kit tests the raw mapping for truthiness first, so a literal "" or
  0 there gives nothing or fails.
- Not supported: @transform and @liquid (refused at save time).
- Budgets: directives nest at most 16 deep (refused at save time), and the
  text one evaluation builds (@replace, @template, @case, @json encode) is
  at most 1,000,000 characters in all, and each directive's result at most
  that or the Salesforce field's length when smaller; past either,
  evaluation stops with MappingTooLarge (`budget`).
"""

from actions.mapping.editor import coalesce, path, paths_used
from actions.mapping.evaluation import evaluate, render_fields
from actions.mapping.validation import MappingError, validate
from actions.mapping.values import MISSING, Missing

__all__ = [
    "MISSING",
    "MappingError",
    "Missing",
    "coalesce",
    "evaluate",
    "path",
    "paths_used",
    "render_fields",
    "validate",
]
