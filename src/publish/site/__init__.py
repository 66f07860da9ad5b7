"""The web outputs: the static site (`build`), newsletter issues (`digest`) and their feeds
(`feed`). They reuse the booklet's Markdown, math, catalogs and text choice from `render`."""
