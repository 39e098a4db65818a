"""The language server (`asynclint server`): diagnostics, fixes, noqa and hover in editors.

`core.py` (documents, projects, checks; no LSP types) and `worker.py` (the checking process)
need only asynclint; `app.py`, `convert.py` and `actions.py` speak LSP through pygls and
lsprotocol, the optional extra `asynclint[lsp]`. The core package never imports this one.
"""
