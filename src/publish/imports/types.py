"""What kind of work a source says an item is, in the words of BibTeX, RIS, Zotero and
CSL, as one of publish.fields.WORK_TYPES (None when the source does not say)."""

from __future__ import annotations

import re

_TYPES = {
    "article": (
        # BibTeX
        "article", "inproceedings", "conference", "unpublished", "proceedings",
        # Zotero
        "journalarticle", "preprint", "conferencepaper", "magazinearticle", "manuscript",
        # RIS
        "jour", "conf", "cpaper", "ejour", "inpr", "unpb", "mgzn", "abst", "manscpt",
        # CSL
        "article-journal", "paper-conference", "article-magazine",
    ),
    "book": ("book", "booklet", "mvbook", "collection", "edbook", "ebook", "manual"),
    "chapter": ("incollection", "inbook", "booksection", "chap", "echap", "chapter",
                "bookinbook"),
    "thesis": ("phdthesis", "mastersthesis", "thesis", "thes", "phd thesis",
               "master's thesis"),
    "report": ("techreport", "report", "rprt", "technical report", "tech report"),
    "software": ("software", "computerprogram", "comp", "code"),
    "post": ("online", "blogpost", "blog", "post-weblog", "post", "forumpost", "news",
             "newspaperarticle", "article-newspaper", "electronic"),
    "video": ("videorecording", "video", "mpct", "motion_picture", "broadcast", "podcast",
              "presentation", "slide", "speech", "audiorecording", "sound"),
    "dataset": ("dataset", "data", "dbase"),
    "webpage": ("webpage", "elec", "web", "www", "document"),
}
_BY_NAME = {name: kind for kind, names in _TYPES.items() for name in names}


def work_type(value: str | None) -> str | None:
    """`journalArticle`, `@inproceedings`, `TY  - CHAP`, `paper-conference`, `PhD Thesis` →
    article, article, chapter, article, thesis. `misc`, `GEN` and unknown words say
    nothing: None."""
    if not value:
        return None
    key = re.sub(r"\s+", " ", value.strip().lstrip("@").lower())
    return _BY_NAME.get(key) or _BY_NAME.get(key.replace(" ", ""))
