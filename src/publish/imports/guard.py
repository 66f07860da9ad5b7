"""The invariant, checked before writing: every file an import is about to write is read
back with the loader's own parsers (front matter, fields, list files, papers assembled from
their language files). A file `load` would refuse is never written: the import stops with
nothing written, naming the file and what is wrong — a bug to report, never a broken tree."""

from __future__ import annotations

from ..config import Config
from ..content.files import assemble_paper, paper_to_files, parse_list_file, parse_paper_file
from ..content.write import Transaction
from ..errors import Problem, Problems, PublishError
from ..model import Collection


def check_staged(config: Config, tx: Transaction, collection: Collection) -> None:
    problems = Problems()
    by_paper: dict[str, dict] = {}
    lang_dirs = {config.lang_dir(lang): lang for lang in config.languages}
    for path, text in tx.files.items():
        if path.parent == config.lists_dir:
            parse_list_file(path, text, problems, config.languages)
        elif path.parent in lang_dirs:
            parsed = parse_paper_file(path, lang_dirs[path.parent], text, problems,
                                      config.languages)
            if parsed is not None:
                by_paper.setdefault(path.stem, {})[lang_dirs[path.parent]] = parsed
    for pid, files in by_paper.items():
        paper = collection.papers.get(pid)
        # The paper's other files, unchanged on disk, take part in assembling it.
        for lang, text in (paper.texts.items() if paper else []):
            if lang not in files:
                parsed = parse_paper_file(text.path, lang, paper_to_files(paper)[lang], problems,
                                          config.languages)
                if parsed is not None:
                    files[lang] = parsed
        found: list[Problem] = []
        assemble_paper(pid, files, found)
        problems.items.extend(found)
    if problems:
        raise PublishError.many([Problem(f"import would write what load refuses ({p.message}); "
                                         "nothing written — please report this", p.path, p.line)
                                 for p in problems.items])
