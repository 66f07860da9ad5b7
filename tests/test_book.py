"""A list booklet's chapters (publish.render.book): in the order the list names them."""

from __future__ import annotations

from datetime import date

from publish.model import Collection, Entry, ReadingList
from publish.render.book import list_book


def _book(sections: list[str | None]):
    entries = [Entry(f"p{i}", i + 1, date(2026, 12, 6), section)
               for i, section in enumerate(sections)]
    collection = Collection(papers={e.paper: object() for e in entries},  # type: ignore[misc]
                            lists={"x": ReadingList("x", "zh", {"zh": "读书会"}, entries=entries)})
    book = list_book(collection, collection.lists["x"], "zh", 0)
    return [(c.title.text, [p for s in c.sections for p in s.papers]) for c in book.chapters]


def test_papers_before_any_heading_come_first() -> None:
    # a real Chinese list: a table under the list's title, then `## 候选论文`
    assert _book([None, None, "候选论文", "候选论文"]) == [
        ("论文", ["p0", "p1"]), ("候选论文", ["p2", "p3"])]


def test_papers_after_a_heading_with_none_of_their_own_come_last() -> None:
    assert _book(["模型", None, "综述", None]) == [
        ("模型", ["p0"]), ("综述", ["p2"]), ("其他", ["p1", "p3"])]
    assert _book([None, "综述", None]) == [("论文", ["p0"]), ("综述", ["p1"]),
                                          ("其他", ["p2"])]
