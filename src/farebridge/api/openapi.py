"""What every dialect's OpenAPI document says beyond FastAPI's defaults, so that a client
(or schemathesis) generating requests from it sends only what the API accepts:

- ``Sandbox-Fault`` lists the test scenarios the configured providers know (a
  comma-separated list of them), not any string;
- a call that also works anonymously (searches, offers) says its bearer token is
  optional (``security: [{}, {"HTTPBearer": []}]``);
- every operation declares the 400 and 413 the hygiene middleware answers (ADR 0027).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException

from farebridge.api.deps import OPTIONAL_BEARER, SCENARIO_HEADER
from farebridge.api.hygiene import declare_refusals

BEARER = "HTTPBearer"


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
        methods = allowed_methods(request.app, relative)
        if methods:
            headers["Allow"] = ", ".join(methods)
    return headers


HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def tune(app: FastAPI, scenarios: frozenset[str]) -> None:
    """Rewrites ``app``'s OpenAPI document once, when it is first asked for."""
    default = app.openapi
    tuned: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if not tuned:
            schema = default()
            _tune(schema, scenarios)
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
