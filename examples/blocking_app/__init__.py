"""Misuse twin of ``examples/reference_app``: the same Item CRUD API, written with async misuse.

Every line that asynclint must report ends with an ``expect`` marker comment naming the rule
code(s), one per finding; ``tests/test_examples_lint.py`` checks that the findings are exactly
those lines. Misuse that no rule reports yet would carry a ``later`` marker comment instead, to be
turned into an ``expect`` one when the rule lands (as AL110 and AL201 were).

Unmarked "near misses" (a ``def`` endpoint that sleeps, ``run_in_threadpool``, a lambda given to
``run_in_executor``, a shadowed name) must stay silent.

AL100 (calls listed under ``extra-blocking-calls``) needs a configuration file, so it is not
exercised here: the twin is linted with the defaults (``--no-config``).

``tests/test_blocking_app_runtime.py`` measures, with ``tests/loop_probe.py``, how the blocking
endpoints stall the event loop compared with the reference app. Do not deploy this app.
"""
