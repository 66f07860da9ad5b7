"""Title keys: two spellings of one title get one key."""

from __future__ import annotations

import re
import unicodedata


def title_key(title: str) -> str:
    """`Chain-of-Thought Prompting…` and `chain of thought prompting…` share a key.

    Case, accents, punctuation, hyphen versus space and curly quotes are spelling, not
    identity; words and numbers are identity ("Llama 2" is not "LLaMA").
    """
    if title.isascii():
        folded = title.lower()  # nothing to fold: the common case, without a loop per letter
    else:
        folded = unicodedata.normalize("NFKD", title)
        folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = folded.replace("&", " and ").replace("’", "").replace("'", "")
    return re.sub(r"[^a-z0-9\u4e00-\u9fff]+", " ", folded).strip()
