"""Real WebKit for browser tests: WebKitGTK's MiniBrowser driven by Debian's WebKitWebDriver
(webkit2gtk-driver; scripts/setup.sh installs it) through Selenium, on a private Xvfb display
(WebKitGTK has no headless mode)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from selenium.webdriver import Remote, WebKitGTKOptions
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.webkitgtk.service import Service

DRIVER = "/usr/bin/WebKitWebDriver"


class WebKitPage:
    engine = "webkit"

    def __init__(self, driver: Remote) -> None:
        self.driver = driver
        self.version = str(driver.capabilities.get("browserVersion", ""))

    def goto(self, url: str) -> None:
        self.driver.get(url)

    def click(self, selector: str) -> None:
        self.driver.find_element(By.CSS_SELECTOR, selector).click()

    def evaluate(self, expression: str) -> Any:
        return self.driver.execute_script(f"return ({expression});")


@contextmanager
def _xvfb() -> Iterator[str]:
    """A display of its own: Xvfb picks a free number and writes it to the pipe."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as numbers:
            number = numbers.readline().strip()
        assert number, f"Xvfb did not start (exit code {server.poll()})"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


@contextmanager
def webkit() -> Iterator[WebKitPage]:
    browsers = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser"))
    if not (os.path.exists(DRIVER) and browsers and shutil.which("Xvfb")):
        pytest.fail("WebKit tests need webkit2gtk-driver and xvfb "
                    "(scripts/setup.sh --dev installs them)")
    with _xvfb() as display:
        options = WebKitGTKOptions()
        options.binary_location = browsers[-1]
        options.add_argument("--automation")
        # The driver and the browser it starts get the display; this process keeps its own.
        service = Service(executable_path=DRIVER, env={**os.environ, "DISPLAY": display})
        service.start()
        try:
            # Selenium's WebKitGTK class builds its connection the deprecated way (a warning,
            # an error under pytest): the same session through Remote and a ClientConfig.
            connection = RemoteConnection(
                client_config=ClientConfig(remote_server_addr=service.service_url))
            driver = Remote(command_executor=connection, options=options)
            try:
                yield WebKitPage(driver)
            finally:
                driver.quit()
        finally:
            service.stop()
