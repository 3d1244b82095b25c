"""Detector state to JSON and back, so a restart resumes each series where it stopped. See docs/alerts.md"""

from __future__ import annotations

import base64
import importlib
import math
import zlib
from array import array
from collections.abc import Callable
from typing import Any

# Only classes from these modules are ever rebuilt from the store: loading never runs arbitrary code.
ALLOWED_MODULES = frozenset({"vigie.signals.detectors"})
_PACK_MIN = 32  # float lists at least this long (histograms) are packed as compressed doubles


def dump_state(obj: Any) -> Any:
    """A JSON-safe copy of a detector: plain values as they are, objects as class + attributes.

    Non-finite floats get a marker because PostgreSQL's JSON type rejects Infinity and NaN.
    """
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {"$f": repr(obj)}
    if isinstance(obj, list | tuple):
        if len(obj) >= _PACK_MIN and all(type(v) is float for v in obj):
            packed = zlib.compress(array("d", obj).tobytes(), 6)
            return {"$a": base64.b64encode(packed).decode("ascii")}
        return [dump_state(v) for v in obj]
    if isinstance(obj, dict):
        return {"$d": [[dump_state(k), dump_state(v)] for k, v in obj.items()]}
    cls = type(obj)
    if cls.__module__ not in ALLOWED_MODULES:
        raise TypeError(f"cannot store a {cls.__module__}.{cls.__qualname__} in a detector state")
    attrs = vars(obj) if hasattr(obj, "__dict__") else {s: getattr(obj, s) for s in cls.__slots__}
    return {"$o": f"{cls.__module__}:{cls.__qualname__}", "attrs": {k: dump_state(v) for k, v in attrs.items()}}


def load_state(data: Any, fresh: Callable[[], Any] | None = None) -> Any:
    """Rebuild what dump_state wrote. ``fresh`` builds a new top-level object whose attributes the
    stored ones overwrite, so attributes added to the detector since the snapshot keep defaults."""
    if isinstance(data, list):
        return [load_state(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "$f" in data:
        return float(data["$f"])
    if "$a" in data:
        return array("d", zlib.decompress(base64.b64decode(data["$a"]))).tolist()
    if "$d" in data:
        return {load_state(k): load_state(v) for k, v in data["$d"]}
    module, _, name = data["$o"].partition(":")
    if module not in ALLOWED_MODULES:
        raise TypeError(f"refusing to load a {module}.{name} from the store")
    cls = getattr(importlib.import_module(module), name)
    obj = fresh() if fresh is not None else cls.__new__(cls)
    if type(obj) is not cls:
        raise TypeError(f"stored {name} does not match {type(obj).__name__}")
    for key, value in data["attrs"].items():
        setattr(obj, key, load_state(value))
    return obj


_SCALARS = (float, int, bool, str, type(None))


def clone(obj: Any) -> Any:
    """A deep copy of a detector for scoring without learning: ~20x faster than copy.deepcopy
    because lists of numbers are sliced instead of walked through deepcopy's memo."""
    if isinstance(obj, list):
        if all(type(v) in _SCALARS for v in obj):
            return obj[:]
        return [clone(v) for v in obj]
    if isinstance(obj, dict):
        return {k: clone(v) for k, v in obj.items()}
    if isinstance(obj, _SCALARS) or isinstance(obj, tuple):
        return obj
    cls = type(obj)
    if cls.__module__ not in ALLOWED_MODULES or not hasattr(obj, "__dict__"):
        import copy

        return copy.deepcopy(obj)
    new = object.__new__(cls)
    new.__dict__.update({k: clone(v) for k, v in vars(obj).items()})
    return new
