"""Files asynclint cannot take at face value: the run reports them in one line and goes on.

Syntax errors are findings (AL001, at the real line); files that cannot be decoded or parsed at
all are `path: error: message` lines on stderr and make the exit code 1. libcst's native parser
can crash the process on some valid Python, so parsing happens in worker processes: a crash
costs that one file, whatever `--jobs` says, and for standard input too.
"""

from __future__ import annotations

import builtins
import errno
import multiprocessing
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

import asynclint
from asynclint import runner, source
from asynclint.cli import command
from asynclint.engine import CheckOptions, check_source
from asynclint.findings import FileResult

BLOCKING = "import time\n\nasync def f():\n    time.sleep(1)\n"
# Valid for CPython (a flat BoolOp), but libcst 1.9's native parser overflows its stack on it.
LIBCST_CRASHER = "async def f():\n    x = " + " and ".join(["a"] * 20000) + "\n"
LOCATION = re.compile(r"^\S+:\d+:\d+: AL\d{3}")
CRASH_LINE = "error: the parser crashed on this file (e.g. extreme nesting); file skipped"
needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="the simulated crash is inherited by workers through fork",
)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(name: str, data: str | bytes) -> None:
    Path(name).write_bytes(data if isinstance(data, bytes) else data.encode())


def lint(*args: str, **invoke: object) -> Result:
    return CliRunner().invoke(command, ["--no-config", *args], catch_exceptions=False, **invoke)


def assert_reported_and_run_goes_on(name: str, data: str | bytes, message: str) -> None:
    """`name` cannot be checked: one `name: error: message` line, the next file is still linted."""
    write(name, data)
    write("z_ok.py", BLOCKING)
    result = lint(".")
    assert result.stderr == f"{name}: error: {message}\n"
    assert locations(result) == ["z_ok.py:4:5: AL101"]
    assert result.exit_code == 1


def locations(result: Result) -> list[str]:
    """`path:line:col: CODE` of each finding."""
    return [m[0] for line in result.stdout.splitlines() if (m := LOCATION.match(line))]


def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m asynclint ARGS` in a fresh process, killed (failing the test) if it hangs."""
    env = {**os.environ, "PYTHONPATH": str(Path(asynclint.__file__).resolve().parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "asynclint", "--no-config", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def _deny(monkeypatch: pytest.MonkeyPatch, denied: Callable[[str], bool], *names: str) -> None:
    """Make the os functions `names` (and `open`) fail with EACCES for the paths `denied`."""

    def guarded(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(path: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(path, (str, os.PathLike)) and denied(os.path.abspath(path)):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
            return real(path, *args, **kwargs)

        return call

    for name in names:
        monkeypatch.setattr(os, name, guarded(getattr(os, name)))
    monkeypatch.setattr(builtins, "open", guarded(builtins.open))


def deny_directory(monkeypatch: pytest.MonkeyPatch, directory: str) -> None:
    """What `chmod 000 directory` does to a user who is not root (the tests run as root, and
    root ignores permission bits): the directory cannot be listed, nothing in it reached."""
    top = os.path.abspath(directory)
    _deny(monkeypatch, lambda path: path == top, "scandir")
    _deny(monkeypatch, lambda path: path.startswith(top + os.sep), "stat", "lstat", "open")


def deny_file(monkeypatch: pytest.MonkeyPatch, file: str) -> None:
    """What `chmod 000 file` does to a user who is not root: it cannot be opened."""
    target = os.path.abspath(file)
    _deny(monkeypatch, lambda path: path == target, "open")


# --- syntax errors --------------------------------------------------------------------------


def test_syntax_error_is_one_al001_at_the_real_line_and_other_files_are_still_checked() -> None:
    write("a_broken.py", "import time\n\nasync def f(:\n    time.sleep(1)\n")
    write("b_ok.py", BLOCKING)
    result = lint(".")
    assert locations(result) == ["a_broken.py:3:13: AL001", "b_ok.py:4:5: AL101"]
    assert result.exit_code == 1
    assert result.stderr == ""


def test_five_thousand_nested_parentheses_are_a_syntax_error_not_a_crash() -> None:
    write("deep.py", "async def f():\n    x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    result = lint("deep.py")
    assert len(locations(result)) == 1
    assert re.match(
        r"deep.py:2:\d+: AL001 syntax error: too many nested parentheses", result.stdout
    )
    assert result.exit_code == 1


def test_199_nested_brackets_which_python_accepts_are_checked_and_located() -> None:
    # CPython's parser stops at 200; libcst's metadata pass needs ~7 frames a level.
    nested = "[" * 199 + "]" * 199
    write("deep.py", f"import time\n\nasync def f():\n    x = {nested}\n    time.sleep(1)\n")
    result = lint("deep.py")
    assert locations(result) == ["deep.py:5:5: AL101"]
    assert result.stderr == ""


def test_chain_too_long_to_analyse_is_one_error_line_not_an_internal_error() -> None:
    # `ast` accepts up to ~3,000 terms (at the default recursion limit); pass 1 stops earlier.
    assert_reported_and_run_goes_on(
        "chain.py",
        "async def f():\n    x = " + " + ".join(["a"] * 2000) + "\n",
        runner.TOO_DEEP_MESSAGE,
    )


# --- encodings and line endings --------------------------------------------------------------


def test_pep_263_coding_cookie_is_honoured() -> None:
    text = (
        "# -*- coding: latin-1 -*-\nimport time\n# café, été\n"
        "async def f():\n    s = 'é'; time.sleep(1)\n"
    )
    write("latin.py", text.encode("latin-1"))
    result = lint("latin.py")
    assert locations(result) == ["latin.py:5:14: AL101"]
    assert result.stderr == ""


def test_utf8_bom_is_not_counted_as_a_column() -> None:
    write("bom.py", b"\xef\xbb\xbf" + b"import time\nasync def f():\n    time.sleep(1)\n")
    assert locations(lint("bom.py")) == ["bom.py:3:5: AL101"]


def test_crlf_line_endings_give_the_right_line_numbers() -> None:
    text = (
        'import time\n\n"""A\nmulti-line\nstring."""\n\nclass C:\n    async def f(self):\n'
        '        x = """\n        """\n        time.sleep(1)\n'
    )
    write("crlf.py", text.replace("\n", "\r\n"))
    result = lint("--show-source", "crlf.py")
    assert locations(result) == ["crlf.py:11:9: AL101"]
    assert result.stdout.splitlines()[1] == "            time.sleep(1)"


def test_undecodable_file_is_a_one_line_error_and_the_run_goes_on() -> None:
    assert_reported_and_run_goes_on(
        "latin_without_cookie.py",
        "import time\n# été\n".encode("latin-1") + BLOCKING.encode(),
        "cannot decode as utf-8: invalid continuation byte (byte 0xe9 at line 2, column 3)",
    )


def test_unknown_encoding_cookie_is_a_one_line_error_and_the_run_goes_on() -> None:
    assert_reported_and_run_goes_on(
        "klingon.py", "# coding: klingon\n" + BLOCKING, "cannot read: unknown encoding: klingon"
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf_16_le", "cp037"])
def test_cookie_naming_an_encoding_that_is_not_ascii_compatible_is_one_error_line(
    encoding: str,
) -> None:
    # Python refuses it (`python x.py`: "SyntaxError: encoding problem: utf-16"); decoded as
    # asked, the file is garbage, silently without async code.
    assert_reported_and_run_goes_on(
        "cookie.py",
        f"# coding: {encoding}\n" + BLOCKING,
        f"cannot read: encoding problem: {encoding}",
    )


def test_coding_cookie_line_may_hold_text_in_its_own_encoding() -> None:
    # CPython accepts it (tokenize.detect_encoding wants that line in UTF-8).
    write("cookie.py", "# coding: latin-1 (été)\n".encode("latin-1") + BLOCKING.encode())
    assert locations(lint("cookie.py")) == ["cookie.py:5:5: AL101"]


def test_binary_file_with_nul_bytes_is_a_one_line_error_and_the_run_goes_on() -> None:
    assert_reported_and_run_goes_on(
        "blob.py",
        b"\x7fELF\x02\x01\x01\x00\x00async def",
        "binary file (contains NUL bytes), skipped",
    )


@given(st.binary(max_size=200))
@settings(max_examples=200, deadline=None)
def test_decoding_arbitrary_bytes_gives_text_or_a_one_line_source_error(data: bytes) -> None:
    try:
        text = source.decode(data)
    except source.SourceError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(text, str)


# --- unreadable paths, FIFOs and other files that are not regular -----------------------------


def test_unreadable_directory_is_one_error_line_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write("a_ok.py", BLOCKING)
    Path("pkg/secret").mkdir(parents=True)
    write("pkg/secret/hidden.py", BLOCKING)
    write("pkg/z_ok.py", BLOCKING)
    deny_directory(monkeypatch, "pkg/secret")
    result = lint(".")
    assert result.stderr == "pkg/secret: error: cannot read: Permission denied\n"
    assert locations(result) == ["a_ok.py:4:5: AL101", "pkg/z_ok.py:4:5: AL101"]
    assert result.exit_code == 1


def test_unreadable_directory_alone_exits_1_without_findings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write("clean.py", "async def f():\n    pass\n")
    Path("secret").mkdir()
    deny_directory(monkeypatch, "secret")
    result = lint("-q", ".")
    assert result.stderr == "secret: error: cannot read: Permission denied\n"
    assert result.stdout == ""
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("unreadable", "text"), [("pkg/.gitignore", "ignored.py\n"), ("pkg/a_secret.py", BLOCKING)]
)
def test_unreadable_file_in_a_walk_is_one_error_line_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch, unreadable: str, text: str
) -> None:
    Path("pkg").mkdir()
    write(unreadable, text)
    write("pkg/ok.py", BLOCKING)
    deny_file(monkeypatch, unreadable)
    result = lint(".")
    assert result.stderr == f"{unreadable}: error: cannot read: Permission denied\n"
    assert locations(result) == ["pkg/ok.py:4:5: AL101"]
    assert result.exit_code == 1


def test_named_file_inside_an_unreadable_directory_is_one_error_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    Path("secret").mkdir()
    write("secret/hidden.py", BLOCKING)
    write("ok.py", BLOCKING)
    deny_directory(monkeypatch, "secret")
    result = lint("secret/hidden.py", "ok.py")
    assert result.stderr == "secret/hidden.py: error: cannot read: Permission denied\n"
    assert locations(result) == ["ok.py:4:5: AL101"]
    assert result.exit_code == 1


def test_named_file_is_checked_while_another_directory_of_the_project_is_unreadable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pre-commit names the changed files; the walk for the project's modules meets pkg/secret.
    # Like ruff, only what was asked about is reported: pkg/secret is not, it holds no facts.
    Path(".git").mkdir()
    Path("pkg/secret").mkdir(parents=True)
    write("pkg/secret/hidden.py", BLOCKING)
    write("pkg/ok.py", BLOCKING)
    deny_directory(monkeypatch, "pkg/secret")
    result = lint("pkg/ok.py")
    assert result.stderr == ""
    assert locations(result) == ["pkg/ok.py:4:5: AL101"]
    assert result.exit_code == 1


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root reads directories whatever their permission bits",
)
def test_really_unreadable_directory_is_one_error_line_and_the_run_goes_on(in_tmp: Path) -> None:
    Path(".git").mkdir()
    Path("pkg/secret").mkdir(parents=True)
    write("pkg/secret/hidden.py", BLOCKING)
    write("pkg/ok.py", BLOCKING)
    os.chmod("pkg/secret", 0)
    try:
        walked = run_module(".", cwd=in_tmp)
        named = run_module("pkg/ok.py", cwd=in_tmp)
    finally:
        os.chmod("pkg/secret", 0o755)
    assert walked.stderr == "pkg/secret: error: cannot read: Permission denied\n"
    assert walked.stdout.startswith("pkg/ok.py:4:5: AL101 ")
    assert walked.returncode == 1
    assert named.stderr == ""
    assert named.stdout.startswith("pkg/ok.py:4:5: AL101 ")


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")


@needs_fifo
def test_fifo_and_socket_in_a_walked_directory_are_skipped_silently(in_tmp: Path) -> None:
    Path("pkg").mkdir()
    os.mkfifo("pkg/pipe.py")  # opening it for reading would wait for a writer forever
    listener = socket.socket(socket.AF_UNIX)
    try:
        listener.bind("pkg/sock.py")
        write("pkg/ok.py", BLOCKING)
        completed = run_module(".", cwd=in_tmp)
    finally:
        listener.close()
    assert completed.stderr == ""
    assert completed.stdout.startswith("pkg/ok.py:4:5: AL101 ")
    assert completed.returncode == 1


@needs_fifo
def test_fifo_named_on_the_command_line_is_one_error_line_not_a_hang(in_tmp: Path) -> None:
    os.mkfifo("pipe.py")
    write("ok.py", BLOCKING)
    completed = run_module("pipe.py", "ok.py", cwd=in_tmp)
    assert completed.stderr == "pipe.py: error: not a regular file\n"
    assert completed.stdout.startswith("ok.py:4:5: AL101 ")
    assert completed.returncode == 1


@needs_fifo
def test_reading_a_fifo_is_an_error_not_a_hang() -> None:
    # Whatever walked or named it: a file can be replaced by a FIFO before a worker reads it.
    os.mkfifo("pipe.py")

    def hung(*_: object) -> None:
        raise TimeoutError("open() blocked on the FIFO")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        with pytest.raises(source.SourceError, match="^not a regular file$"):
            source.read_bytes("pipe.py")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- parser crashes -------------------------------------------------------------------------


def test_real_libcst_crash_does_not_take_down_a_parallel_run() -> None:
    write("a_ok.py", BLOCKING)
    write("b_crasher.py", LIBCST_CRASHER)
    write("c_ok.py", BLOCKING)
    result = lint("--jobs", "2", ".")
    assert locations(result) == ["a_ok.py:4:5: AL101", "c_ok.py:4:5: AL101"]
    # libcst 1.9 crashes on it; should a later libcst parse it, there is nothing to report.
    assert result.stderr in (f"b_crasher.py: {CRASH_LINE}\n", "")
    assert result.exit_code == 1


def test_real_libcst_crash_from_python_m_asynclint_with_one_job(in_tmp: Path) -> None:
    write("crasher.py", LIBCST_CRASHER)
    write("ok.py", BLOCKING)
    # Compiling it warns about the user's code (invalid escape): not asynclint's to print.
    write("warns.py", 'import re\n\nasync def f():\n    return re.match("\\d", "1")\n')
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(asynclint.__file__).resolve().parents[1]),
        "PYTHONWARNINGS": "default",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "asynclint", "--no-config", "--jobs", "1", "."],
        capture_output=True,
        text=True,
        env=env,
        cwd=in_tmp,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1  # not -11: the CLI process itself never segfaults
    assert completed.stdout.startswith("ok.py:4:5: AL101 ")
    assert completed.stderr in (f"crasher.py: {CRASH_LINE}\n", "")


def _simulated_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers (forked from this process) die by SIGSEGV on any file that mentions CRASH_ME."""
    real_check_source = runner.check_source

    def crashing(text: str, *args: object) -> FileResult:
        if "CRASH_ME" in text:
            os.kill(os.getpid(), signal.SIGSEGV)
        return real_check_source(text, *args)

    monkeypatch.setattr(runner, "check_source", crashing)
    monkeypatch.setattr("asynclint.engine.check_source", crashing)


@needs_fork
@pytest.mark.parametrize("jobs", ["1", "2", "3"])
def test_worker_crash_is_reported_for_that_file_only_and_every_other_file_once(
    monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    _simulated_crash(monkeypatch)
    for number in range(12):
        write(f"m{number:02}.py", BLOCKING + ("# CRASH_ME\n" if number in (3, 4, 9) else ""))
    result = lint("--jobs", jobs, ".")
    assert result.stderr.splitlines() == [f"m{n:02}.py: {CRASH_LINE}" for n in (3, 4, 9)]
    expected = [f"m{n:02}.py:4:5: AL101" for n in range(12) if n not in (3, 4, 9)]
    assert locations(result) == expected
    assert result.exit_code == 1


@needs_fork
def test_worker_crash_on_stdin_is_an_error_line_not_a_dead_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _simulated_crash(monkeypatch)
    result = lint("--stdin-filename", "buffer.py", input=BLOCKING + "# CRASH_ME\n")
    assert result.stderr == f"buffer.py: {CRASH_LINE}\n"
    assert result.exit_code == 1


@needs_fork
def test_bug_in_a_check_is_an_error_for_that_file_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_check_source = runner.check_source

    def buggy(text: str, *args: object) -> FileResult:
        if "BUG" in text:
            raise KeyError("oops")
        return real_check_source(text, *args)

    monkeypatch.setattr("asynclint.engine.check_source", buggy)
    assert_reported_and_run_goes_on(
        "bug.py",
        BLOCKING + "# BUG\n",
        "internal error while checking this file: KeyError: 'oops' (please report it)",
    )


# --- any text at all ------------------------------------------------------------------------

ASYNC_BODIES = st.builds(
    lambda body, tail: f"import time\nasync def f():\n    {body}\n{tail}", st.text(), st.text()
)
PYTHON_TOKENS = [*"()[]{}:;,.=\\'\"\n\r\t #@ab01", "async ", "await ", "def ", "time.sleep(1)"]
PYTHONISH = st.lists(st.sampled_from(PYTHON_TOKENS), max_size=40).map("".join)


@given(st.one_of(st.text(), ASYNC_BODIES, PYTHONISH.map(lambda text: "async def f():\n " + text)))
@settings(max_examples=200, deadline=None)
def test_check_source_never_raises(text: str) -> None:
    result = check_source(text, "fuzz.py", CheckOptions())
    assert all(finding.line >= 1 and finding.column >= 1 for finding in result.findings)
