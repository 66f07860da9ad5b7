"""Every interface string has its Chinese, so a zh page never shows an English label."""

from __future__ import annotations

from babel.messages.pofile import read_po
from conftest import REPO


def test_every_zh_message_is_translated():
    path = REPO / "src/publish/locale/zh/LC_MESSAGES/publish.po"
    with path.open("rb") as fh:
        catalog = read_po(fh)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert untranslated == []
    assert catalog["not translated"].string == "未翻译"
