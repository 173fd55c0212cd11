"""Real Firefox for browser tests: Debian's firefox-esr (scripts/setup.sh installs it) over
WebDriver BiDi through puppeteer-core, which runs in Node (firefox/driver.mjs): this side
sends it one command per line and reads one answer per line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest

DRIVER = Path(__file__).resolve().parent / "firefox" / "driver.mjs"
FIREFOX = Path("/usr/bin/firefox-esr")


class FirefoxPage:
    engine = "firefox"

    def __init__(self, process: subprocess.Popen[str], log: IO[str]) -> None:
        self.process = process
        self.log = log
        self.version = str(self._answer())

    def _answer(self) -> Any:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.log.seek(0)
            raise AssertionError(f"the Firefox driver exited:\n{self.log.read()[-3000:]}")
        reply = json.loads(line)
        if "error" in reply:
            raise AssertionError(f"firefox: {reply['error']}")
        return reply["ok"]

    def _do(self, op: str, arg: str) -> Any:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"op": op, "arg": arg}) + "\n")
        self.process.stdin.flush()
        return self._answer()

    def goto(self, url: str) -> None:
        self._do("goto", url)

    def click(self, selector: str) -> None:
        self._do("click", selector)

    def evaluate(self, expression: str) -> Any:
        return self._do("eval", expression)


@contextmanager
def firefox() -> Iterator[FirefoxPage]:
    node = shutil.which("node")
    if node is None or not FIREFOX.exists() or not (DRIVER.parent / "node_modules").exists():
        pytest.fail(f"Firefox tests need node, {FIREFOX} and `npm ci` in {DRIVER.parent} "
                    "(scripts/setup.sh --dev installs them)")
    with tempfile.TemporaryFile("w+") as log, subprocess.Popen(
            [node, str(DRIVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
            text=True, env={**os.environ, "FIREFOX": str(FIREFOX)}) as process:
        try:
            yield FirefoxPage(process, log)
        finally:
            assert process.stdin is not None
            process.stdin.close()  # the driver closes the browser at the end of its input
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
