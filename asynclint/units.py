"""A unit's source: the lines of one function, cut from its file so libcst parses it alone.

`ast` gives a function's first and last line, and the slice between them is almost always
valid Python on its own. Not quite always:

* the last line can end with a backslash continuation into lines holding no token (a blank
  line, a comment): cut there, the slice ends inside the continuation;
* a form feed in a line's indentation (Python resets the indentation count there) trips
  libcst's tokenizer when it starts the first statement of a block that holds another block.
"""

from __future__ import annotations

_FORM_FEED = "\f"


def unit_source(
    lines: list[str], start_line: int, end_line: int
) -> tuple[list[str], dict[int, int]]:
    """The lines `start_line..end_line` (1-based, with their endings), extended over a final
    continuation, and for each file line whose indentation lost its form feeds the number of
    characters removed (add it back to a column on that line)."""
    end = _continued_end(lines, end_line)
    chunk = lines[start_line - 1 : end]
    shifts: dict[int, int] = {}
    if any(_FORM_FEED in line for line in chunk):
        for index, line in enumerate(chunk):
            indentation = line[: len(line) - len(line.lstrip(" \t\f"))]
            if _FORM_FEED in indentation:
                # Python counts indentation from the last form feed: what precedes it is void.
                removed = indentation.rindex(_FORM_FEED) + 1
                chunk[index] = line[removed:]
                shifts[start_line + index] = removed
    return chunk, shifts


def _continued_end(lines: list[str], end_line: int) -> int:
    """`end_line`, or further while it ends with a backslash and the next lines hold no token.

    Only lines without a token are taken, so a backslash in a trailing comment (which continues
    nothing) never pulls the module's next statement into the unit."""
    end = end_line
    while end < len(lines) and _ends_with_backslash(lines[end - 1]) and _no_token(lines[end]):
        end += 1
    return end


def _ends_with_backslash(line: str) -> bool:
    return line.rstrip("\r\n").endswith("\\")


def _no_token(line: str) -> bool:
    text = line.strip(" \t\f\r\n")
    return text in ("", "\\") or text.startswith("#")
