"""What every dialect's OpenAPI document says beyond FastAPI's defaults, so that a client
(or schemathesis) generating requests from it sends only what the API accepts:

- ``Sandbox-Fault`` lists the test scenarios the configured providers know (a
  comma-separated list of them), not any string;
- a call that also works anonymously (searches, offers) says its bearer token is
  optional (``security: [{}, {"HTTPBearer": []}]``);
- every operation declares the 400 and 413 the hygiene middleware answers (ADR 0027);
- every free string a client sends (query, path, header, body) carries a pattern that
  excludes the characters the hygiene middleware refuses (control characters, bidi
  overrides; tab and line breaks stay allowed in bodies);
- a selling currency (marked ``x-selling-currency`` by its model) lists the currencies
  of the exchange-rate table when the document is first built;
- ``after`` and ``before`` say what a cursor is;
- a body object that ignores unknown keys (Duffel's, Allmyles') says that those keys
  and whatever they hold, at any depth, do not hold the refused characters either
  (``CleanJson``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import structlog
from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException

from farebridge.api.deps import OPTIONAL_BEARER, SCENARIO_HEADER
from farebridge.api.hygiene import declare_refusals
from farebridge.domain.hygiene import REFUSED_IN_QUERY, REFUSED_IN_TEXT
from farebridge.services.ports import StoreUnreachable

log = structlog.get_logger(__name__)

BEARER = "HTTPBearer"
SELLING_CURRENCY = "x-selling-currency"
CLEAN_JSON = "CleanJson"
QUERY_TEXT = rf"^[^{REFUSED_IN_QUERY}]*$"
BODY_TEXT = rf"^[^{REFUSED_IN_TEXT}]*$"
# The same, holding a character that is not a space (request models strip spaces).
VISIBLE_QUERY_TEXT = rf"^[^{REFUSED_IN_QUERY}]*[^\s{REFUSED_IN_QUERY}][^{REFUSED_IN_QUERY}]*$"
VISIBLE_BODY_TEXT = rf"^[^{REFUSED_IN_TEXT}]*[^\s{REFUSED_IN_TEXT}][^{REFUSED_IN_TEXT}]*$"
CURSOR_DESCRIPTION = (
    "An opaque cursor: meta.after (or meta.before) of a page of this list; empty for "
    "none. With both, the page lies between them."
)


def scenario_pattern(known: frozenset[str]) -> str:
    """``Sandbox-Fault``'s values: known names, comma-separated (case as listed), or
    nothing (no scenario)."""
    names = "|".join(re.escape(name) for name in sorted(known)) or "(?!)"
    return rf"^ *(?:(?:{names})(?: *, *(?:{names}))*)? *$"


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the document lists for the path template ``path`` (under the app's
    mount) matches: what a 405's ``Allow`` names (RFC 9110)."""
    methods: set[str] = set()
    for template, operations in app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            methods |= {m.upper() for m in operations if m in HTTP_METHODS}
    return sorted(methods)


def allow_header(request: Request, exc: StarletteHTTPException) -> dict[str, str]:
    """``exc``'s headers; a 405 names every method the path allows (Allow, RFC 9110),
    not only those of the route that matched first."""
    headers = dict(exc.headers or {})
    if exc.status_code == 405 and isinstance(request.app, FastAPI):
        path, root = request.scope["path"], request.scope.get("root_path", "")
        relative = path[len(root) :] if root and path.startswith(root) else path
        try:
            methods = allowed_methods(request.app, relative)
        except StoreUnreachable:  # the first document needs the database: no Allow then
            log.warning("request.allow_unknown", reason="database_unreachable")
            methods = []
        if methods:
            headers["Allow"] = ", ".join(methods)
    return headers


HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def tune(app: FastAPI, scenarios: frozenset[str], currencies: Callable[[], Iterable[str]]) -> None:
    """Rewrites ``app``'s OpenAPI document once, when it is first asked for;
    ``currencies``: the selling currencies then."""
    default = app.openapi
    tuned: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if not tuned:
            # Read first: if the database is out of reach, nothing is half rewritten.
            selling = sorted(currencies())
            schema = default()
            _tune(schema, scenarios)
            _constrain_text(schema, selling)
            declare_refusals(schema)
            tuned.append(schema)
        return tuned[0]

    app.openapi = openapi  # type: ignore[method-assign]


def _tune(schema: dict[str, Any], scenarios: frozenset[str]) -> None:
    optional = False
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "header" and parameter.get("name") == SCENARIO_HEADER:
                    parameter["schema"] = {
                        "type": "string",
                        "pattern": scenario_pattern(scenarios),
                        "title": parameter.get("schema", {}).get("title", SCENARIO_HEADER),
                    }
            security = operation.get("security")
            if security and {OPTIONAL_BEARER: []} in security:
                operation["security"] = [{}, {BEARER: []}]
                optional = True
    schemes = schema.get("components", {}).get("securitySchemes", {})
    scheme = schemes.pop(OPTIONAL_BEARER, None)
    if optional and BEARER not in schemes and scheme is not None:
        schemes[BEARER] = scheme


def _constrain_text(document: dict[str, Any], currencies: list[str]) -> None:
    """Patterns on the strings a client sends, the selling currencies, cursor texts."""
    components = document.get("components", {}).get("schemas", {})
    bodies: list[dict[str, Any]] = []
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("name") in ("after", "before") and parameter.get("in") == "query":
                    parameter.setdefault("description", CURSOR_DESCRIPTION)
                for node in _nodes(parameter.get("schema", {})):
                    _constrain(node, currencies, query=True)
            content = operation.get("requestBody", {}).get("content", {})
            bodies.extend(media.get("schema", {}) for media in content.values())
    lenient: list[dict[str, Any]] = []
    for node in _nodes(bodies, components=components):
        _constrain(node, currencies, query=False)
        if node.get("type") == "object" and node.get("additionalProperties", True) is True:
            lenient.append(node)
    if lenient:
        components[CLEAN_JSON] = _clean_json()
    for node in lenient:
        node["propertyNames"] = {"pattern": BODY_TEXT}
        node["additionalProperties"] = {"$ref": f"#/components/schemas/{CLEAN_JSON}"}


def _clean_json() -> dict[str, Any]:
    """Any JSON value whose strings (keys included) hold no refused character."""
    itself = {"$ref": f"#/components/schemas/{CLEAN_JSON}"}
    return {
        "description": "Any JSON value without refused characters (ignored by farebridge)",
        "anyOf": [
            {"type": ["null", "boolean", "number"]},
            {"type": "string", "pattern": BODY_TEXT},
            {"type": "array", "items": itself},
            {
                "type": "object",
                "propertyNames": {"pattern": BODY_TEXT},
                "additionalProperties": itself,
            },
        ],
    }


def _constrain(node: dict[str, Any], currencies: list[str], *, query: bool) -> None:
    if node.pop(SELLING_CURRENCY, False) and currencies:
        branches = node.get("anyOf", [node])
        for branch in branches:
            if branch.get("type") == "string":
                branch.pop("pattern", None)
                branch["enum"] = currencies
    free = not any(key in node for key in ("pattern", "format", "enum", "const"))
    if node.get("type") == "string" and free:
        visible = node.get("minLength", 0) > 0
        patterns = ((BODY_TEXT, VISIBLE_BODY_TEXT), (QUERY_TEXT, VISIBLE_QUERY_TEXT))[query]
        node["pattern"] = patterns[visible]


def _nodes(root: Any, *, components: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Every schema object under ``root``, following ``$ref``s into ``components``
    (each component once)."""
    seen: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        reference = node.get("$ref")
        if isinstance(reference, str) and components is not None:
            name = reference.rsplit("/", 1)[-1]
            if name not in seen and name in components:
                seen.add(name)
                stack.append(components[name])
        yield node
        stack.extend(value for key, value in node.items() if key not in ("examples", "example"))
