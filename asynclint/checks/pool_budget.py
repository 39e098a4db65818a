"""AL401 from pass-1 facts: a module's sync engines weighed against the threadpool's limit.

Not part of the libcst traversal: the engine is a module-level statement (no unit holds it),
and every fact comes from the summaries — this module's engines, the project's thread limit
and the `def` routes whose `Depends` tree makes sessions of the engine (`index/budget.py`).
"""

from __future__ import annotations

from asynclint.findings import Finding
from asynclint.index.budget import connections
from asynclint.index.project import Project
from asynclint.index.summary import ModuleSummary
from asynclint.rules import RULES_BY_CODE

_NAMED_ROUTES = 3


def pool_findings(summary: ModuleSummary, project: Project, path: str) -> list[Finding]:
    findings: list[Finding] = []
    for name, engine in sorted(summary.budget.engines.items(), key=lambda item: item[1].line):
        lent = connections(engine)
        if lent is None:
            continue
        limit = project.thread_limit()
        if limit.threads is None or lent >= limit.threads:
            continue
        qualified = summary.qualified(name)
        users = sorted({
            project.endpoint_label(route_summary, route) or route
            for route_summary, route in project.project_routes()
            if (budget := project.route_budget(route_summary, route)) is not None
            and budget.threadpool and qualified in budget.engines
        })
        if not users:
            continue
        named = ", ".join(users[:_NAMED_ROUTES])
        more = len(users) - _NAMED_ROUTES
        routes = f"{'route' if len(users) == 1 else 'routes'} {named}" + (f" and {more} more" if more > 0 else "")
        rule = RULES_BY_CODE["AL401"]
        setting = (
            f"pool_size={engine.pool_size}, max_overflow={engine.max_overflow}"
            if (engine.pool_size, engine.max_overflow) != (5, 10) else "the default pool_size=5, max_overflow=10"
        )
        findings.append(Finding(
            path=path,
            line=engine.line,
            column=engine.column,
            end_line=engine.end_line,
            end_column=engine.end_column,
            code=rule.code,
            name=rule.name,
            message=rule.format_message(
                call=f"`{name} = create_engine(...)` ({setting})",
                connections=str(lent),
                threads=str(limit.threads),
                limit="anyio's default" if limit.where == "anyio default" else f"total_tokens = {limit.threads} at {limit.where}",
                routes="sync " + routes,
            ),
            suggestion=(
                f"make pool_size + max_overflow at least {limit.threads} (within the database's "
                "connection limit), or move these routes to AsyncSession and `async def`; "
                "lowering the thread limit instead stalls a `def` route with a response model "
                "(see `asynclint --explain AL401`)"
            ),
            function=None,
            endpoint=None,
        ))
    return findings
