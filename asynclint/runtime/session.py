"""One pytest session's runtime check: the detector, what each test's phases found, and the
report (the failure text of a test, the terminal summary, the JSON file).

Imported by the plugin only once the check is enabled: it loads blockbuster and the catalog.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from asynclint.config import Config, ConfigError, find_config, load_config
from asynclint.findings import Finding, sort_findings
from asynclint.formats import concise, json_format, text
from asynclint.runtime.detector import Detector

SECTION = "asynclint runtime"


class RuntimeSession:
    def __init__(self, config: pytest.Config) -> None:
        try:
            found = find_config(config.rootpath)
            settings = load_config(found) if found is not None else Config()
        except ConfigError as error:  # one line, as the command line says it
            raise pytest.UsageError(f"asynclint: {error}") from None
        self.detector = Detector(settings, str(config.invocation_params.dir))
        self.findings: dict[tuple[str, int, str], Finding] = {}

    def start(self) -> None:
        self.detector.start()

    def stop(self) -> list[Finding]:
        found = self.detector.stop()
        for finding in found:
            self.findings.setdefault((finding.path, finding.line, finding.code), finding)
        return found

    @staticmethod
    def apply(report: pytest.TestReport, found: list[Finding], fail: bool) -> None:
        """A passing phase with findings fails (`fail`), with the findings as its failure; a
        failing one keeps its own failure and shows the findings in a section of its own."""
        described = text.render(found)
        if fail and report.passed:
            report.outcome = "failed"
            report.longrepr = described.rstrip("\n")
        else:
            report.sections.append((SECTION, described))

    def summary(self, terminal: pytest.TerminalReporter) -> None:
        errors = self.detector.errors
        if not self.findings and not errors:
            return
        findings = sort_findings(list(self.findings.values()))
        count = len(findings)
        terminal.write_sep("=", f"{SECTION}: {count} blocking call{'s' * (count != 1)} on the event loop")
        terminal.write(concise.render(findings))
        for error in errors:
            terminal.write_line(f"asynclint runtime: internal error, a call was not checked: {error}")

    def write_report(self, path: str, terminal: pytest.TerminalReporter | None) -> None:
        """`--asynclint-runtime-report PATH`: the findings as `asynclint --format json`."""
        rendered = json_format.render(sort_findings(list(self.findings.values())))
        try:
            target = Path(path)
            if target.parent != Path():
                os.makedirs(target.parent, exist_ok=True)
            target.write_text(rendered, encoding="utf-8")
        except OSError as error:
            if terminal is not None:
                terminal.write_line(f"asynclint runtime: cannot write {path}: {error.strerror}", red=True)
