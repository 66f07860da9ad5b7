"""The content tree on disk: reading it into the model (`load.load_collection`, the one
loader every command uses, with or without the index cache in build/), one file at a time
(`files`), the cache (`index`), writing it atomically (`write`), and editing a file's lines
in place (`edit`). Text decoding rules are in `textfile`, the fast front-matter reader in
`frontmatter`."""
