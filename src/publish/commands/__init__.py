"""One module per group of verbs. Each module exposes `COMMANDS`, a list of click commands;
`publish.cli` registers every module found here, so adding a verb touches no other file."""
