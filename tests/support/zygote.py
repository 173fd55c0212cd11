"""A process that has imported Vitalscope once and forks a child per `python -m ...` or
`python -c ...` the tests start (tests/support/forked.py is its client).

Each `vitalscope serve` or CLI call of the tests used to spend ~2.5 s of CPU importing the
same modules (FastAPI, pydantic models, the features) before doing anything; a forked child
starts with them imported and then runs exactly as `python -m vitalscope ...` would: its own
process, environment, working directory, standard streams, open-files limit, signals and
exit status, and the interpreter's normal shutdown. Only modules that start no thread are
imported here (a fork copies only the thread that forks); chDB's engine, pandas and Playwright
load in the child as before.

Protocol, one JSON object a line: requests on stdin {"args", "env", "cwd", "stdin",
"stdout", "stderr", "nofile"}; on stdout {"started": pid} per request, in order, and
{"exited": pid, "code": returncode} when a child ends (negative: the signal that ended it)."""

from __future__ import annotations

import json
import os
import resource
import runpy
import select
import signal
import sys
import threading
from typing import Any

PRELOAD = ("vitalscope.app.cli.main", "vitalscope.app.assembly", "dashboard.mount",
           "tests.support.rum_seed")


def _preload() -> None:
    for name in PRELOAD:
        __import__(name)
    # A module that started a thread would leave its children with a lock nobody releases.
    assert threading.active_count() == 1 and len(os.listdir("/proc/self/task")) == 1, (
        f"a preloaded module started a thread: {threading.enumerate()}")


def _serve() -> dict[str, Any] | None:
    """Answers requests until stdin closes (then None); returns the request in a child."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # the wakeup fd is what matters
    requests = sys.stdin.buffer
    replies = sys.stdout
    pending = b""

    def reply(message: dict[str, Any]) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    def reap() -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            reply({"exited": pid, "code": os.waitstatus_to_exitcode(status)})

    while True:
        ready, _, _ = select.select([requests.fileno(), wake_r], [], [])
        if wake_r in ready:
            os.read(wake_r, 4096)
            reap()
        if requests.fileno() not in ready:
            continue
        chunk = os.read(requests.fileno(), 65536)
        if not chunk:
            return None
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.close(wake_r)
                os.close(wake_w)
                return dict(request)
            reply({"started": pid})
            reap()


def _become(request: dict[str, Any]) -> None:
    """The child: the process `python <args>` would have been, then its interpreter's exit."""
    stdin = os.open(request["stdin"] or os.devnull, os.O_RDONLY)
    stdout = os.open(request["stdout"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    stderr = stdout if request["stderr"] is None else os.open(
        request["stderr"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    for source, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(source, target)
    for fd in {stdin, stdout, stderr}:
        os.close(fd)
    # sys.stdin/stdout/stderr now read and write these files: nothing of the requests or
    # replies is left in their buffers (requests are read from the descriptor, replies
    # flushed), and they buffer as the child's would (the zygote has the tests' environment,
    # PYTHONUNBUFFERED included, and neither is a terminal).
    os.environ.clear()
    os.environ.update(request["env"])
    if request["cwd"]:
        os.chdir(request["cwd"])
    if request["nofile"] is not None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (request["nofile"], request["nofile"]))
    args: list[str] = request["args"]
    if args[0] == "-m":
        sys.argv = [args[1], *args[2:]]  # runpy puts the module's file first, as -m does
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    elif args[0] == "-c":
        sys.argv = ["-c", *args[2:]]
        exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})
    else:
        raise SystemExit(f"zygote: only -m and -c are supported, not {args[0]!r}")


if __name__ == "__main__":
    _preload()
    child = _serve()
    if child is not None:
        _become(child)
