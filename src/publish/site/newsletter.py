"""`publish digest`: select an issue, render it, write it, and record it when it is sent."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..config import Config
from ..errors import PublishError
from ..model import Collection
from ..outputs import check_output
from .issues import Selection, save_record, select
from .mail import Mail, write
from .settings import WebSettings, require_mail

EXTENSIONS = {"html": "html", "text": "txt", "eml": "eml"}


@dataclass
class IssueRequest:
    since: date | None = None
    since_last: bool = True
    lang: str = "en"
    list_id: str | None = None
    fmt: str = "html"
    out: Path | None = None
    issue: int | None = None
    max_per_list: int = 10
    record: bool | None = None  # None: record when writing an .eml (the one that is sent)

    @property
    def records(self) -> bool:
        """Whether this issue is added to content/digests.yaml: then the run writes content/
        and holds the project's writer lock from reading the tree to recording."""
        return self.record if self.record is not None else self.fmt == "eml"


@dataclass
class IssueResult:
    path: Path
    selection: Selection
    recorded: bool
    size: int
    new: int
    updated: int
    local_links: bool = False  # links go to build/html/, not to a site


class NothingNew(PublishError):
    """No paper to announce: not an input error, the command exits 1."""


def make_issue(config: Config, collection: Collection, settings: WebSettings,
                request: IssueRequest) -> IssueResult:
    """Select, render, write, then record. Every refusal comes before the file is written,
    and the issue is recorded only once the file is on disk."""
    if request.fmt == "eml":
        require_mail(config, settings)
    # Only the message that is sent spends its papers: a preview (html, text) never does
    # unless asked with --record
    record = request.records
    if record and request.list_id is not None:
        raise PublishError("an issue limited to one --list is not recorded (it would hide the "
                           "other lists' papers from the next issue); add --no-record")
    selection = select(config, collection, since=request.since,
                       since_last=request.since_last and request.since is None,
                       list_id=request.list_id, issue=request.issue, lang=request.lang)
    new = len(selection.record.papers)
    if selection.fresh and not new and not selection.updated:
        since = selection.record.since
        raise NothingNew("nothing new to announce" + (f" since {since}" if since else ""))
    number = selection.record.number
    out = check_output(config.root, request.out) if request.out else (config.build_dir / "digest" /
                          f"issue-{number}.{request.lang}.{EXTENSIONS[request.fmt]}")
    # Without a base URL a preview links the local site: relative to the HTML file so a
    # browser follows it, relative to the project in text so a person can open it
    local_from = None if settings.base_url else (
        out.resolve().parent if request.fmt == "html" else config.root)
    mail = Mail(config, collection, settings, selection, request.lang, request.max_per_list,
                local_from, issue_page=record or not selection.fresh)
    data = {"html": lambda: mail.html().encode(), "text": lambda: mail.text().encode(),
            "eml": mail.eml}[request.fmt]()
    write(out, data)
    recorded = False
    if record and selection.fresh:
        save_record(config, collection, replace(selection))
        recorded = True
    return IssueResult(out, selection, recorded, len(data), new, len(selection.updated),
                        local_links=local_from is not None)
