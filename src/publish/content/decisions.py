"""`content/imports/decisions.yaml`: what a person settled about which papers are one work
(`publish merge A B`) and which only look alike (`publish merge --keep-apart A B`). An
import reads it, so a list imported again — or the whole tree rebuilt from its sources —
keeps every decision.

```yaml
merged:                 # B was folded into A: an entry that names B is A
  - paper: qlora-efficient-finetuning-of-quantized-llms
    was: qlora
    title: QLoRA
    arxiv: '2305.14314'
    date: 2026-12-05
apart:                  # never proposed as the same paper again
  - papers: [textbooks-are-all-you-need, textbooks-are-all-you-need-ii]
    date: 2026-12-05
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problems, PublishError
from ..ids import check_id
from .files import dump_yaml, load_yaml, value_line
from .textfile import decode

HEADER = """\
# Decisions about which papers are one work, made with `publish merge` (see
# docs/content-model.md). `merged`: the paper `was` was folded into `paper`; an import that
# meets its title or ids again finds `paper`. `apart`: similar papers a person said are
# different; an import no longer asks about them.
"""


@dataclass(frozen=True)
class Merged:
    paper: str
    was: str
    title: str
    arxiv: str | None = None
    doi: str | None = None
    date: str | None = None


@dataclass
class Decisions:
    merged: list[Merged] = field(default_factory=list)
    apart: list[tuple[str, str, str | None]] = field(default_factory=list)  # a, b, date

    def kept_apart(self, a: str, b: str) -> bool:
        return any({a, b} == {x, y} for x, y, _ in self.apart)


def decisions_path(content_dir: Path) -> Path:
    return content_dir / "imports" / "decisions.yaml"


def read_decisions(path: Path) -> tuple[Decisions, bytes | None]:
    """The decisions and the file's bytes (None when there is none yet). Every problem in
    the file is reported at once, with its line."""
    if not path.exists():
        return Decisions(), None
    raw = path.read_bytes()
    text = decode(raw, path)
    data = load_yaml(text, path) if text.strip() else {}
    if data in ("", None):
        data = {}
    if not isinstance(data, dict):
        raise PublishError("expected 'merged:' and 'apart:' lists", path, 1)
    problems = Problems()
    out = Decisions()
    for item in _list(data, "merged", path, text, problems):
        ids = [item.get("paper"), item.get("was")]
        if not isinstance(item, dict) or not all(isinstance(i, str) for i in ids) or \
                not isinstance(item.get("title"), str):
            problems.add("each merged decision needs 'paper', 'was' and 'title'", path,
                         value_line(text, str(item.get("was", ""))) if isinstance(item, dict)
                         else 1)
            continue
        why = check_id(item["paper"]) or check_id(item["was"])
        if why:
            problems.add(why, path, value_line(text, item["was"]))
            continue
        out.merged.append(Merged(item["paper"], item["was"], item["title"],
                                 _text(item.get("arxiv")), _text(item.get("doi")),
                                 _text(item.get("date"))))
    for item in _list(data, "apart", path, text, problems):
        papers = item.get("papers") if isinstance(item, dict) else None
        if not (isinstance(papers, list) and len(papers) == 2 and
                all(isinstance(p, str) and check_id(p) is None for p in papers)):
            problems.add("each apart decision needs 'papers: [ID, ID]' (two paper ids)", path,
                         value_line(text, str(papers[0])) if isinstance(papers, list) and papers
                         else 1)
            continue
        out.apart.append((papers[0], papers[1], _text(item.get("date"))))
    problems.raise_if_any()
    return out, raw


def _list(data: dict, key: str, path: Path, text: str, problems: Problems) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        problems.add(f"'{key}' must be a list", path, value_line(text, key))
        return []
    items = [v for v in value if isinstance(v, dict)]
    if len(items) < len(value):
        problems.add(f"each '{key}' item must be a mapping", path, value_line(text, key))
    return items


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def render_decisions(decisions: Decisions) -> str:
    data: dict[str, Any] = {}
    if decisions.merged:
        data["merged"] = [
            {k: v for k, v in (("paper", m.paper), ("was", m.was), ("title", m.title),
                               ("arxiv", m.arxiv), ("doi", m.doi), ("date", m.date)) if v}
            for m in decisions.merged]
    if decisions.apart:
        data["apart"] = [{"papers": [a, b], **({"date": day} if day else {})}
                         for a, b, day in decisions.apart]
    return HEADER + dump_yaml(data or {"merged": [], "apart": []})
