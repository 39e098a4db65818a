"""Misuse twin of ``examples/reference_app``: the same Item CRUD API, written with async misuse.

Every line that asynclint must report ends with an ``expect`` marker comment naming the rule
code(s), one per finding; ``tests/test_examples_lint.py`` checks that the findings are exactly
those lines. Misuse that no rule reports yet would carry a ``later`` marker comment instead, to
be turned into an ``expect`` one when the rule lands (as AL110, AL201 and, for
``POST /orders/{id}/reopen``, AL205 were); none is left.

Two kinds of misuse: blocking calls on the event loop (AL101–AL110, AL201), which only cost
latency, and coroutine/ORM misuse (AL202–AL205, AL301–AL303), which breaks the endpoint: a
commit that never runs, a ``TypeError`` (``await session.add(...)``, ``await`` on an async
generator in ``GET /orders/{id}/events``), ``MissingGreenlet``, a notification never sent.

Unmarked "near misses" (a ``def`` endpoint that sleeps, ``run_in_threadpool``, a lambda given to
``run_in_executor``, a shadowed name, a relationship loaded with ``selectinload``, an order built
in the request and read after a commit that does not expire it, an item refreshed after a commit
that does before FastAPI serialises it, an async generator iterated with ``async for``) must stay
silent.

AL100 (calls listed under ``extra-blocking-calls``) needs a configuration file, so it is not
exercised here: the twin is linted with the defaults (``--no-config``).

``tests/test_blocking_app_runtime.py`` measures, with ``tests/loop_probe.py``, how the blocking
endpoints stall the event loop compared with the reference app, and shows what each of the other
misuses does when its endpoint is called. Do not deploy this app.
"""
