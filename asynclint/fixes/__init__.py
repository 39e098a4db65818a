"""Autofix: the fix model (`model`), fixes located from libcst nodes (`locate`), edits applied in
rounds (`apply`), files read and written without losing a byte (`files`), the `--fix`/`--diff`
run (`run`) and `--add-noqa` (`noqa`)."""
