import importlib
from typing import Any

# Looked up when asked for: a warm `publish status` never needs the computation (difflib,
# markdown-it), and every status module imports this package first.
_EXPORTS = {
    "compute": ("Orphan", "PaperStatus", "StatusReport", "Unit", "collection_status",
                "paper_status", "text_size", "title_unit", "worst_first"),
    "states": ("CURRENT", "MACHINE_STATE", "MISSING", "ORIGINAL", "OUTDATED", "RANK", "STATES",
               "Summary"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
