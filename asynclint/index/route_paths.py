"""Full route paths, for the project index: a route's prefixes through the routers that include it.

A mixin of `Project` (index/project.py). `@router.get("/")` on `APIRouter(prefix="/roles")`,
included by `app.include_router(router, prefix="/api")` in another module, is served at
`/api/roles/`. The includes are collected project-wide, as `request.state` is: every module whose
text can include or mount something (`_INCLUDE_MARKERS`) is summarised, and one that
cannot is a read too — the day it includes a router, the paths it adds may change a message.

What cannot be known statically stays visibly unknown: a prefix computed at run time, a router
no module is seen to include, a route registered on something that is not a known router —
the path starts with `…` (`GET …/items`), never with a guessed prefix. A router included
under two prefixes has two paths (sorted; messages name the first, the endpoint map all).
"""

from __future__ import annotations

import re

from asynclint.index.routers import APP, Node
from asynclint.index.summary import ModuleSummary

UNKNOWN = "…"
_MAX_DEPTH = 8  # routers nested deeper (or in a cycle) than this have an unknown prefix
_MAX_PATHS = 16

# child node -> (parent node, prefix of the include; None: computed)
Includes = dict[str, list[tuple[str, "str | None"]]]
# What a module's text must contain to include or mount a router (`index/routers.py` records
# more forms from a broader gate; these are the ones that make an include), or to pass a
# function to Depends()/Security().
_INCLUDE_MARKERS = ("include_router", ".mount(", "Mount(", "Host(", ".host(", "routes=")
_DEPENDENCY_MARKERS = ("Depends(", "Security(")


def _join(prefix: str, path: str | None) -> str:
    return UNKNOWN if path is None else prefix + path


class RoutePaths:
    """Mixin of Project: relies on its `follow`, `summary`, `modules`, `_summaries`, `checking`,
    `reads`, `_project_summaries`, `_module_text`, `_unmentioned`, `_routing` and
    `_node_prefixes`."""

    def route_paths(self, summary: ModuleSummary, qualname: str) -> tuple[str, ...]:
        """The full paths of a route (a qualname in `summary.routes`), sorted."""
        label = summary.endpoints.get(qualname, "")
        path = label.partition(" ")[2]
        nodes = summary.routing.route_nodes.get(qualname, ())
        prefixes = {prefix for node in nodes for prefix in self.node_prefixes(node)} or {UNKNOWN}
        return tuple(sorted(prefix + path for prefix in prefixes))[:_MAX_PATHS]

    def endpoint_label(self, summary: ModuleSummary, qualname: str) -> str | None:
        """A function's label for findings: a route's with its first full path (`GET
        /api/roles/`); `Depends(get_db)` for a module-level function some module passes to
        Depends(); the summary's own for everything else."""
        label = summary.endpoints.get(qualname)
        if label is None and "." not in qualname:
            # a dependency another module passes to Depends(): the same label wherever it is
            # checked (the whole project is searched, not what this worker happened to load)
            used = self._dependencies.get(qualname, lambda: self._declared_dependencies(qualname))
            return f"Depends({qualname})" if summary.qualified(qualname) in used else None
        if label is None or qualname not in summary.routes:
            return label
        return f"{label.partition(' ')[0]} {self.route_paths(summary, qualname)[0]}"

    def node_prefixes(self, node: str, depth: int = 0) -> tuple[str, ...]:
        """Every prefix under which a router's (or app's) routes are served."""
        if depth > _MAX_DEPTH:
            return (UNKNOWN,)
        canonical = self._canonical(node)
        return self._node_prefixes.get(canonical, lambda: self._prefixes(canonical, depth))

    def _prefixes(self, node: str, depth: int) -> tuple[str, ...]:
        facts = self._node(node)
        if facts is None:
            return (UNKNOWN,)
        parents = self._includes().get(node, [])
        if parents:
            bases = {
                _join(prefix, path)
                for parent, path in parents
                for prefix in self.node_prefixes(parent, depth + 1)
            }
        else:
            bases = {"" if facts.kind == APP else UNKNOWN}
        return tuple(sorted(_join(base, facts.prefix) for base in bases))[:_MAX_PATHS]

    def _canonical(self, node: str) -> str:
        if ":" in node:
            return node  # an anonymous Mount/Host, named by its module and position
        found = self.follow(node)
        return found[0].qualified(found[1]) if found is not None else node

    def _node(self, node: str) -> Node | None:
        if ":" in node:
            summary = self.summary(node.partition(":")[0])
        else:
            found = self.follow(node)
            summary = found[0] if found is not None else None
        return summary.routing.nodes.get(node) if summary is not None else None

    # -- the includes, project-wide ---------------------------------------------------------------
    def _includes(self) -> Includes:
        checking = self.checking if self.checking not in self.modules else None
        if self._routing is None or self._routing[0] != checking:
            self._node_prefixes.clear()  # computed from the includes being replaced
            self._dependencies.clear()
            self._dependency_texts = {}
            with self.reads.capture() as reads:
                self._routing = (checking, self._collect_includes(), reads)
        else:
            self.reads.charge(self._routing[2])
        return self._routing[1]

    def _collect_includes(self) -> Includes:
        includes: Includes = {}
        for summary in self._project_summaries(self._may_include):
            for include in summary.routing.includes:
                parent = self._canonical(include.parent)
                child = self._canonical(include.child)
                edge = (parent, include.prefix)
                if edge not in includes.setdefault(child, []):
                    includes[child].append(edge)
        return includes

    def _may_include(self, module: str) -> bool:
        """A cheap look at the text: can this module include or mount a router? One that
        cannot is a read too. The text of a module that can pass something to Depends() is
        kept for `_declared_dependencies`."""
        text = self._module_text(module)
        if text is None:
            return False
        if any(marker in text for marker in _DEPENDENCY_MARKERS):
            self._dependency_texts[module] = text
        return any(marker in text for marker in _INCLUDE_MARKERS) or self._unmentioned(module, text)

    def _declared_dependencies(self, name: str) -> frozenset[str]:
        """Every function named `name` some project module passes to Depends()/Security()
        (canonical qualified names): the summaries of the modules whose text mentions both;
        the rest were read by the include search (`_includes`), charged with it."""
        self._includes()
        found: set[str] = set()
        modules = {*self._dependency_texts, *(m for m in self._summaries if m in self.modules)}
        # `Depends(get_db)`, `Security(deps.get_db, scopes=...)`
        declared = re.compile(rf"(?:Depends|Security)\(\s*(?:[\w.]+\.)?{re.escape(name)}\b")
        for module in sorted(modules):
            text = self._dependency_texts.get(module)
            if text is not None and not declared.search(text):
                continue
            summary = self.summary(module)
            for dependency in summary.dependencies if summary else ():
                if dependency.rpartition(".")[2] == name:
                    found.add(self._canonical(dependency))
        return frozenset(found)
