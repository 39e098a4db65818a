"""Full route paths, for the project index: a route's prefixes through the routers that include it.

A mixin of `Project` (index/project.py). `@router.get("/")` on `APIRouter(prefix="/roles")`,
included by `app.include_router(router, prefix="/api")` in another module, is served at
`/api/roles/`. The includes are collected project-wide, as `request.state` is: every module whose
text can include or mount something (`index/routers.py`'s MARKERS) is summarised, and one that
cannot is a read too — the day it includes a router, the paths it adds may change a message.

What cannot be known statically stays visibly unknown: a prefix computed at run time, a router
no module is seen to include, a route registered on something that is not a known router —
the path starts with `…` (`GET …/items`), never with a guessed prefix. A router included
under two prefixes has two paths (sorted; messages name the first, the endpoint map all).
"""

from __future__ import annotations

from asynclint.index.routers import APP, MARKERS, Node
from asynclint.index.summary import ModuleSummary

UNKNOWN = "…"
_MAX_DEPTH = 8  # routers nested deeper (or in a cycle) than this have an unknown prefix
_MAX_PATHS = 16

# child node -> (parent node, prefix of the include; None: computed)
Includes = dict[str, list[tuple[str, "str | None"]]]
# What a module must contain to pass a function to Depends()/Security().
_DEPENDENCY_MARKERS = ("Depends", "Security")
_DEPENDENCIES = "<dependencies>"  # the key under which the index keeps them


def _join(prefix: str, path: str | None) -> str:
    return UNKNOWN if path is None else prefix + path


class RoutePaths:
    """Mixin of Project: relies on its `follow`, `summary`, `modules`, `_summaries`, `checking`,
    `reads`, `_mentions`, `_routing` and `_node_prefixes`."""

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
            used = {parent for parent, _ in self._includes().get(_DEPENDENCIES, [])}
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
            with self.reads.capture() as reads:
                self._routing = (checking, self._collect_includes(checking), reads)
        else:
            self.reads.charge(self._routing[2])
        return self._routing[1]

    def _collect_includes(self, checking: str | None) -> Includes:
        includes: Includes = {}
        # The project's modules and the file being checked — not whatever else this process
        # happened to load: a worker's history must not decide a message.
        for module in sorted({*self.modules, *([checking] if checking else [])}):
            if module not in self._summaries and not self._may_include(module):
                continue
            summary = self.summary(module)
            for dependency in sorted(summary.dependencies) if summary else ():
                edge = (self._canonical(dependency), "")
                if edge not in includes.setdefault(_DEPENDENCIES, []):
                    includes[_DEPENDENCIES].append(edge)
            for include in summary.routing.includes if summary else ():
                parent = self._canonical(include.parent)
                child = self._canonical(include.child)
                edge = (parent, include.prefix)
                if edge not in includes.setdefault(child, []):
                    includes[child].append(edge)
        return includes

    def _may_include(self, module: str) -> bool:
        """A cheap look at the text: can this module include, mount or declare a dependency?
        One that cannot is a read too (`ThreadBudget._mentions`)."""
        return self._mentions(module, (*MARKERS, *_DEPENDENCY_MARKERS))
