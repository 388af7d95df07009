"""Work done by a forked copy of this process, so a run uses the machine's second core.

The child inherits everything built so far (copy-on-write), does its work and leaves by
`os._exit`: no atexit handler, no flush of buffers the parent owns, no close of the
history store's connection. It reports through a pipe: progress marks (`tell(n)`), which
the parent can wait for one by one (`reached(n)`), and at the end what its work returned
(`result`, pickled) or what it raised, pickled, with its traceback as a note; `wait()`
re-raises that in the parent.

Used by `commands.pipeline.Run.write(parallel=True)` (the plan written while the report
is) and by `writer.stream.splice` (half of each big sheet's rows rendered aside).
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Any, NoReturn

CAN_FORK = hasattr(os, "fork") and sys.platform != "win32"

_PROGRESS, _ERROR, _RESULT = b"P", b"E", b"R"
_HEADER = 5  # one byte of kind, four of length


def usable_cores() -> int:
    """The cores this process may run on (its affinity where the platform says)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Forked:
    """`work(tell)` run by a forked child process; raises OSError when no process can be
    forked now (the caller then does the work itself)."""

    def __init__(self, work: Callable[[Callable[[int], None]], Any]):
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # the child: never returns
            os.close(read_end)
            _child(work, write_end)
        os.close(write_end)
        self.pid = pid
        self.progress = -1
        self._pipe = os.fdopen(read_end, "rb")
        self._error: bytes | None = None
        self._result: bytes | None = None
        self._ended = False  # the pipe is at its end
        self._status: int | None = None

    def reached(self, mark: int) -> None:
        """Wait until the child has told `mark`; if it ended first, raise why."""
        while self.progress < mark and not self._ended:
            self._read()
        if self.progress < mark:
            self.wait()
            raise RuntimeError(f"the forked process {self.pid} ended before step {mark}")

    def wait(self, raise_error: bool = True) -> None:
        """Wait for the child to end; re-raise what it raised (or its exit status)."""
        while not self._ended:
            self._read()
        if self._status is None:
            self._pipe.close()
            _, self._status = os.waitpid(self.pid, 0)
        if not raise_error:
            return
        if self._error:
            raise pickle.loads(self._error)
        code = os.waitstatus_to_exitcode(self._status)
        if code != 0:
            raise RuntimeError(f"the forked process {self.pid} ended with status {code}")

    @property
    def result(self) -> Any:
        """What the child's work returned (None until `wait()` has seen it end)."""
        return pickle.loads(self._result) if self._result is not None else None

    def _read(self) -> None:
        header = self._pipe.read(_HEADER)
        if len(header) < _HEADER:
            self._ended = True
            return
        body = self._pipe.read(int.from_bytes(header[1:], "big"))
        if header[:1] == _PROGRESS:
            self.progress = int(body)
        elif header[:1] == _RESULT:
            self._result = body
        else:
            self._error = body
            self._ended = True


def _child(work: Callable[[Callable[[int], None]], Any], write_end: int) -> NoReturn:
    code = 1
    try:
        with os.fdopen(write_end, "wb", buffering=0) as pipe:

            def tell(mark: int) -> None:
                _send(pipe, _PROGRESS, str(mark).encode("ascii"))

            try:
                result = work(tell)
                if result is not None:
                    _send(pipe, _RESULT, pickle.dumps(result))
                code = 0
            except BaseException as error:  # noqa: BLE001  (every failure goes to the parent)
                _send(pipe, _ERROR, _pickled(error))
    finally:
        os._exit(code)


def _send(pipe: Any, kind: bytes, body: bytes) -> None:
    pipe.write(kind + len(body).to_bytes(4, "big") + body)


def _pickled(error: BaseException) -> bytes:
    error.add_note("".join(traceback.format_exception(error)).rstrip())
    try:
        return pickle.dumps(error)
    except Exception:  # noqa: BLE001  (an exception whose arguments cannot be pickled)
        return pickle.dumps(RuntimeError(f"{type(error).__name__}: {error}"))
