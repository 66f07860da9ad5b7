"""One module per group of verbs. Each module exposes `COMMANDS`, a list of click commands.

`VERBS` names the module of each verb, so `publish.cli` imports only the module of the verb
being run (start-up is part of every command's time); a test checks it against the modules'
COMMANDS, so a verb missing here is caught."""

VERBS = {
    "init": "content", "import": "content", "merge": "content", "list": "content",
    "show": "content",
    "status": "status", "review": "status",
    "check": "check",
    "translate": "translate",
    "enrich": "enrich",
    "export": "exchange", "import-translations": "exchange",
    "pdf": "pdf", "doctor": "pdf",
    "html": "site", "digest": "site", "feed": "site",
}
