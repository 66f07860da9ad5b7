"""Machine drafts of missing and outdated translations, through deep-translator.

`run.translate` is the entry point: plan from `publish.status`, protect what must not be
translated (`protect`), send what the translation memory (`memory`) does not have yet through
a backend (`backends`, each call bounded by `transport`), write drafts marked `machine`
(`drafts`). `zh_hant` derives Traditional Chinese from zh offline.
"""
