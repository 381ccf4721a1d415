"""The emulator's HTML pages: OAuth consent, OAuth error, and records.

Plain server-rendered HTML with no scripts; every value is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any
from urllib.parse import quote

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#181818;padding:0 1rem}
.card{border:1px solid #ddd;border-radius:.5rem;padding:1.5rem;max-width:26rem;margin:auto}
label{display:block;margin:.75rem 0 .25rem}
input[type=text],input[type=password]{width:100%;padding:.4rem}
button{padding:.5rem 1.2rem;margin:1rem .5rem 0 0}.error{color:#b00020}
table{border-collapse:collapse;font-size:.85rem}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
nav a{margin-right:1rem}.muted{color:#666}
"""


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def consent_page(
    org_label: str,
    username: str,
    client_id: str,
    scopes: list[str],
    params: Mapping[str, str],
    error: str = "",
) -> str:
    """The login and consent form of the authorize endpoint."""
    hidden = "".join(
        f'<input type=hidden name="{escape(k)}" value="{escape(v)}">'
        for k, v in params.items()
        if k not in ("username", "password", "action")
    )
    error_html = f"<p class=error role=alert id=error>{escape(error)}</p>" if error else ""
    scope_list = "".join(f"<li>{escape(s)}</li>" for s in scopes)
    body = f"""
<div class=card>
<h1>Salesforce emulator</h1>
<p class=muted>{escape(org_label)} login</p>
{error_html}
<form method=post action="/services/oauth2/authorize">
{hidden}
<label for=username>Username</label>
<input type=text id=username name=username value="{escape(username)}">
<label for=password>Password <span class=muted>(any value)</span></label>
<input type=password id=password name=password>
<p>The app <code>{escape(client_id[:24])}…</code> asks for:</p>
<ul>{scope_list}</ul>
<button type=submit name=action value=allow>Allow</button>
<button type=submit name=action value=deny>Deny</button>
</form>
</div>"""
    return _page("Login | Salesforce", body)


def oauth_error_page(error: str, description: str) -> str:
    body = f"""
<div class=card>
<h1>Remote Access Error</h1>
<p class=error>error={escape(error)}</p>
<p>{escape(description)}</p>
</div>"""
    return _page("Remote Access Error", body)


def records_page(
    title: str,
    base_path: str,
    object_names: Iterable[str],
    selected: str | None,
    columns: list[str],
    rows: list[dict[str, Any]],
    counts: Mapping[str, int],
) -> str:
    """A list of each object's records, so a person trying the demo sees what arrived."""
    links = "".join(
        f'<a href="{escape(base_path)}?object={quote(name)}">{escape(name)} ({counts.get(name, 0)})</a>'
        for name in object_names
    )
    table = ""
    if selected:
        head = "".join(f"<th>{escape(c)}</th>" for c in columns)
        body_rows = "".join(
            "<tr>" + "".join(f"<td>{escape(_cell(row.get(c)))}</td>" for c in columns) + "</tr>"
            for row in rows
        )
        table = f"<h2>{escape(selected)}</h2><table><tr>{head}</tr>{body_rows}</table>"
        if not rows:
            table += "<p class=muted>No records yet.</p>"
    body = f"<h1>{escape(title)}</h1><nav>{links}</nav>{table}"
    return _page(title, body)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
