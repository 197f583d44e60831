"""Packages that re-export their names lazily (`guards.lazy`) still export every one of them."""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType

import pytest

import guards
import guards.duplication
import guards.metrics
import guards.taste

PACKAGES = [guards, guards.duplication, guards.metrics, guards.taste]


@pytest.mark.parametrize("package", PACKAGES, ids=lambda package: package.__name__)
def test_every_exported_name_is_its_modules_object(package: ModuleType) -> None:
    for name in package.__all__:
        value = getattr(package, name)
        assert vars(package)[name] is value, f"{package.__name__}.{name} is bound on first use"
        if inspect.isclass(value) or inspect.isfunction(value):
            assert vars(importlib.import_module(value.__module__))[name] is value, f"{package.__name__}.{name}"


@pytest.mark.parametrize("package", PACKAGES, ids=lambda package: package.__name__)
def test_an_unknown_name_is_an_attribute_error(package: ModuleType) -> None:
    with pytest.raises(AttributeError, match=f"module '{package.__name__}' has no attribute 'nothing_here'"):
        getattr(package, "nothing_here")
