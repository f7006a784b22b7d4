"""Writing outputs so that a reader never sees half a file.

Every exporter writes through ``atomic_write``: the data goes to a temporary file in
the same folder, is flushed to disk, and only then renamed over the target. A run
killed at any moment leaves either the old complete file or the new complete one.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from newsgraph.errors import ExportError


def umask() -> int:
    """The process's umask, read without changing it where Linux shows it (``/proc/self/status``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # not thread-safe, hence only where /proc is missing
    os.umask(mask)
    return mask


def file_mode(executable: bool = False) -> int:
    """The mode a new file gets, as ``open`` would: 0o666 (0o777 for a script) less the umask."""
    return (0o777 if executable else 0o666) & ~umask()


def dir_mode() -> int:
    """The mode a new folder gets, as ``mkdir`` would: 0o777 less the umask."""
    return 0o777 & ~umask()


def atomic_write(path: str | Path, chunks: Iterable[str | bytes]) -> Path:
    """Write ``chunks`` (all ``str`` or all ``bytes``) to ``path`` atomically."""
    path = Path(path)
    with atomic_file(path) as fh:
        for chunk in chunks:
            fh.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    return path


@contextmanager
def atomic_file(path: str | Path) -> Iterator:
    """A binary file handle whose content replaces ``path`` only when the block ends cleanly."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ExportError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode())  # mkstemp makes 0o600; the user's umask decides
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise ExportError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    except BaseException:
        _remove(tmp)
        raise


@contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """A fresh folder that replaces ``path`` as a whole when the block ends cleanly."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    except OSError as exc:
        raise ExportError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    try:
        yield tmp
        os.chmod(tmp, dir_mode())
        old = None
        if path.exists():
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _remove(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass
