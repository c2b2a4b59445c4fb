"""Every response the e2e tests see must be one that its dialect's OpenAPI document declares.

The recorder maps each request to an operation of the document of the dialect
mounted at that path (by the document's path templates), checks that the
operation lists the status (``default`` stands for the unexpected 500 only)
and validates a JSON body against the schema declared for it.
Only the document is consulted: it is what clients of the dialect read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx2
from fastapi import FastAPI
from jsonschema import Draft202012Validator
from starlette.routing import Mount

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Operation:
    prefix: str
    method: str
    template: str
    responses: dict[str, Any]
    document: Document

    def name(self, status: int | str) -> str:
        return f"{self.method} {self.prefix}{self.template} {status}"

    def declared(self, status: int) -> str | None:
        """The key of ``responses`` that documents ``status``, if any."""
        if str(status) in self.responses:
            return str(status)
        return "default" if status == 500 and "default" in self.responses else None


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))


def find_operation(document: Document, prefix: str, method: str, path: str) -> Operation | None:
    """The operation of the dialect ``document`` (mounted at ``prefix``) that serves ``path``."""
    inner = path[len(prefix) :]
    for template in sorted(document["paths"], key=lambda t: t.count("{")):
        operation = document["paths"][template].get(method.lower())
        if operation and _pattern(template).fullmatch(inner):
            return Operation(prefix, method, template, operation["responses"], document)
    return None


def json_schema(operation: Operation, key: str) -> dict[str, Any] | None:
    content = operation.responses[key].get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return None if schema is None else {**schema, "components": operation.document["components"]}


def _declared_binary(operation: Operation, key: str, response: httpx2.Response) -> bool:
    """A body of a declared non-JSON media type (a PDF), with the PDF signature if a PDF."""
    media = response.headers.get("content-type", "").split(";")[0]
    declared = operation.responses[key].get("content", {})
    if media == "application/json" or media not in declared:
        return False
    return media != "application/pdf" or response.content.startswith(b"%PDF-")


@dataclass
class Recorder:
    """Collects ``problems``. ``documents`` (by prefix) are read once from the first app
    that mounts each prefix: every app built in a session serves the same dialects."""

    documents: dict[str, Document] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    _validators: dict[str, Draft202012Validator | None] = field(default_factory=dict)

    def operation(self, app: Any, method: str, path: str) -> Operation | None:
        """The documented operation of a dialect mounted in the root ``app``, if one serves it."""
        for mount in getattr(app, "routes", []):
            if isinstance(mount, Mount) and path.startswith(mount.path + "/"):
                assert isinstance(mount.app, FastAPI)
                if mount.path not in self.documents:
                    self.documents[mount.path] = mount.app.openapi()
                return find_operation(self.documents[mount.path], mount.path, method, path)
        return None

    def record(self, app: Any, response: httpx2.Response) -> None:
        request = response.request
        operation = self.operation(app, request.method, request.url.path)
        if operation is None:
            return
        status = response.status_code
        name = operation.name(status)
        self.seen.add(name)
        key = operation.declared(status)
        if key is None:
            self.problems.append(f"{name}: the OpenAPI document does not declare this status")
        elif response.content and not _declared_binary(operation, key, response):
            self._validate(name, self._validator(operation, key), response)

    def _validator(self, operation: Operation, key: str) -> Draft202012Validator | None:
        name = operation.name(key)
        if name not in self._validators:
            schema = json_schema(operation, key)
            self._validators[name] = Draft202012Validator(schema) if schema else None
        return self._validators[name]

    def _validate(
        self, name: str, validator: Draft202012Validator | None, response: httpx2.Response
    ) -> None:
        if validator is None or response.headers.get("content-type") != "application/json":
            self.problems.append(f"{name}: a body the document does not describe")
            return
        errors = list(validator.iter_errors(json.loads(response.content)))
        for error in errors[:3]:
            where = "/".join(str(p) for p in error.absolute_path)
            self.problems.append(f"{name}: the body does not match at {where}: {error.message}")
