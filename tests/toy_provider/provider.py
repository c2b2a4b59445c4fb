"""``toy``: an upstream for tests — the sandbox's engine under another name and seed,
recording every call it gets so a test can see which provider was asked."""

from __future__ import annotations

from typing import Any

from farebridge.bootstrap import ProviderContext
from farebridge.providers.base import Provider
from farebridge.providers.sandbox.provider import SandboxProvider
from farebridge.store.sandbox_inventory import SqlSandboxInventory

TOY_SEED = 11


class ToyProvider:
    name = "toy"

    def __init__(self, inner: SandboxProvider) -> None:
        self._inner = inner
        self.scenarios = inner.scenarios
        self.calls: list[str] = []

    def __getattr__(self, method: str) -> Any:
        target = getattr(self._inner, method)

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(method)
            return target(*args, **kwargs)

        return call


def make_toy(context: ProviderContext) -> Provider:
    inner = SandboxProvider(
        SqlSandboxInventory(context.engine),
        context.places,
        rates=context.rates,
        seed=TOY_SEED,
        cache_dir=context.settings.sandbox_cache_dir,
    )
    return ToyProvider(inner)  # type: ignore[return-value]
