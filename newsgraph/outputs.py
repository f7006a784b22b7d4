"""Committing a build's outputs as one: OUT holds every file of one build, never a mix of two.

Each export file is already written atomically (``exports/atomic.py``), but a build
writes several, and a build killed between two of them would leave a new
``graph.json`` next to an old ``graph.html``. So ``commit_outputs`` hands the exporters
a staging folder next to OUT (``.OUT.staging-XXXX``) and, once every export is complete
and on disk, swaps it with OUT in one step: Linux's ``renameat2(RENAME_EXCHANGE)``
exchanges the two folders atomically; the old build, now in the staging path, is then
deleted. Where the file system cannot exchange, OUT is renamed to ``.OUT.previous`` and
the staging folder to OUT; a run killed between those two renames leaves the previous
build complete in ``.OUT.previous``, and the next build puts it back before anything
else (``recover``). Entries of OUT that the build does not write (files of the user's)
are carried into the new folder as hard links, except the export files of formats not
written this time, which would describe an older graph (``drop``).

When OUT is a mount point (a container volume) or its parent folder is not writable,
nothing can be renamed over OUT itself: the staging folder is then made inside OUT
(``OUT/.newsgraph.staging-XXXX``) and each export moved into place on its own. Each file
and folder is still replaced atomically, but a kill can leave a mix of two builds.
The same holds when something is mounted anywhere inside OUT (a bind mount, a volume):
swapping OUT would carry the mount into the old build's folder, which is then deleted,
so the build writes in place, goes into no mounted folder it does not write, and never
deletes through a mount point (``_remove_tree``). Mount points are read from
``/proc/self/mountinfo``: ``os.path.ismount`` misses a bind mount of the same file system.

Two builds into one OUT are kept apart by ``output_lock``: an ``fcntl.flock`` on
``.OUT.lock`` next to OUT. The second build fails at once with a one-line message
instead of waiting, as ``flock -n`` does in a crontab; the lock dies with its process,
so a killed build never leaves a stale lock behind, and a build that ends removes the
file (a killed one leaves an unlocked file that the next build takes and removes).

>>> import tempfile
>>> out = Path(tempfile.mkdtemp()) / "out"
>>> with commit_outputs(out) as staging:
...     _ = (staging / "graph.json").write_text("{}")
>>> sorted(p.name for p in out.iterdir())
['graph.json']
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from newsgraph.errors import ExportError
from newsgraph.exports.atomic import dir_mode

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
#: locks this process holds: resolved OUT -> [file object, depth], so nesting does not deadlock
_held: dict[Path, list] = {}


def _close_locks_in_child() -> None:
    # a forked worker must not keep the build's lock alive once the build has died
    for fh, _ in _held.values():
        try:
            fh.close()
        except OSError:
            pass


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_locks_in_child)


def _resolve(out_dir: str | Path) -> Path:
    # a symlinked OUT keeps its link: the folder it points to is the one replaced
    return Path(os.path.realpath(os.path.abspath(out_dir)))


def _sibling(out: Path, what: str) -> Path:
    return out.with_name(f".{out.name}.{what}")


@contextmanager
def output_lock(out_dir: str | Path, command: str = "build") -> Iterator[Path]:
    """Hold the lock of the output folder ``out_dir``; another holder makes this fail at once.

    Re-entrant within one process, so ``newsgraph build`` can lock for the whole run and
    ``write_all`` lock again around its commit. ``command`` (``build``, ``view``) is what
    the message of a process that finds the lock held names.
    """
    out = _resolve(out_dir)
    if out in _held:
        _held[out][1] += 1
        try:
            yield out
        finally:
            _held[out][1] -= 1
        return
    if out.parent == out:
        raise ExportError(f"{out}: a file system root cannot be the output folder; "
                          "give a folder of its own (e.g. -o out/)")
    path = out / ".newsgraph.lock" if _in_place(out) else _sibling(out, "lock")
    existing = next(p for p in out.parents if os.path.lexists(p))
    if not existing.is_dir():
        raise ExportError(f"{out}: cannot write here ({existing} is a file, not a folder)")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out}: cannot write here ({exc.strerror or exc})") from exc
    fh = _lock_file(out, path)
    try:
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(f"{os.getpid()}\n{command}\n")
            fh.flush()
        except OSError:
            pass  # the pid is only a courtesy in the message; a full disk must not stop the lock
        _held[out] = [fh, 1]
        try:
            yield out
        finally:
            del _held[out]
            # removed while still held, so a build waiting on this file sees it gone and retries
            try:
                os.unlink(path)
            except OSError:
                pass
    finally:
        fh.close()  # closing releases the flock


def _lock_file(out: Path, path: Path):
    """Open and ``flock`` the lock file at ``path``; a live holder makes this fail at once.

    The holder removes the file when it is done, so the file locked here may have been
    removed between our ``open`` and our ``flock``: lock again until the file locked is
    the one at ``path``.
    """
    while True:
        try:
            fh = open(path, "a+")
        except OSError as exc:
            raise ExportError(f"{out}: cannot write here ({exc.strerror or exc})") from exc
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder, command = (fh.read().split() + ["unknown", "build"])[:2]
            fh.close()
            raise ExportError(f"{out}: another newsgraph {command} is writing here (pid {holder}); "
                              "try again when it has finished") from None
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        mine = os.fstat(fh.fileno())
        if current is not None and (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino):
            return fh
        fh.close()


def recover(out_dir: str | Path) -> None:
    """Undo what a killed commit left: put a moved-aside previous build back, drop staging folders.

    Call it only while holding ``output_lock`` (``commit_outputs`` does).
    """
    out = _resolve(out_dir)
    previous = _sibling(out, "previous")
    if previous.is_dir():
        if out.exists():
            _remove_tree(previous)  # the swap had finished
        else:
            os.rename(previous, out)
    leftovers = [*out.parent.glob(f".{out.name}.staging-*")] if out.parent.is_dir() else []
    leftovers += [*out.glob(".newsgraph.staging-*")] if out.is_dir() else []
    for leftover in leftovers:
        _remove_tree(leftover)


def _in_place(out: Path) -> bool:
    """True where OUT cannot be swapped: a mount point, a mount inside, or a read-only parent."""
    return out.is_dir() and (os.path.ismount(out) or bool(mounts_within(out))
                             or not os.access(out.parent, os.W_OK))


def mounts_within(folder: Path) -> list[Path]:
    """The mount points at or below ``folder`` (a resolved path), from ``/proc/self/mountinfo``."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        fields = line.split(" ")
        if len(fields) < 5:
            continue
        # spaces, tabs, newlines and backslashes in the mount point are octal escapes
        point = Path(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4]))
        if point == folder or folder in point.parents:
            found.append(point)
    return found


def _holds_mount(path: Path, mounts: list[Path]) -> bool:
    return any(m == path or path in m.parents for m in mounts)


def _remove_tree(path: Path) -> None:
    """``shutil.rmtree`` that never deletes inside a mount point: what is mounted stays."""
    path = Path(path)
    mounts = mounts_within(_resolve(path)) if os.path.lexists(path) else []
    if not mounts:
        shutil.rmtree(path, ignore_errors=True)
        return

    def remove(folder: Path) -> None:
        if _resolve(folder) in mounts:
            return
        for entry in os.scandir(folder):
            try:
                if entry.is_dir(follow_symlinks=False):
                    remove(Path(entry.path))
                    os.rmdir(entry.path)  # fails, as it should, for what still holds a mount
                else:
                    os.unlink(entry.path)
            except OSError:
                pass

    remove(path)
    try:
        os.rmdir(path)
    except OSError:
        pass


@contextmanager
def commit_outputs(out_dir: str | Path, drop: Iterable[str] = ()) -> Iterator[Path]:
    """A staging folder to write a build's exports into; it becomes ``out_dir`` as a whole.

    What ``out_dir`` held is kept in the new folder, except the entries named in ``drop``
    (the export files of formats this build does not write, which describe an older graph).

    If the block raises, nothing in ``out_dir`` changes. Every ``OSError`` becomes an
    ``ExportError`` naming the folder (disk full, read-only, permission denied).
    """
    out = _resolve(out_dir)
    with output_lock(out):
        staging = None
        try:
            recover(out)
            if out.exists() and not out.is_dir():
                raise ExportError(f"{out}: exists and is not a folder")
            in_place = _in_place(out)
            if in_place:
                staging = Path(tempfile.mkdtemp(dir=out, prefix=".newsgraph.staging-"))
            else:
                staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.staging-"))
            os.chmod(staging, (out.stat().st_mode & 0o7777) if out.is_dir() else dir_mode())
            yield staging
            if in_place:
                _move_entries(staging, out, drop)
            else:
                _carry_over(out, staging, drop)
                _fsync_dir(staging)
                _swap(staging, out)
            staging = None
        except OSError as exc:
            raise ExportError(f"{out}: cannot write the outputs ({exc.strerror or exc})") from exc
        finally:
            if staging is not None:
                _remove_tree(staging)


def _carry_over(out: Path, staging: Path, drop: Iterable[str] = ()) -> None:
    """Hard-link what OUT holds and this build did not write into the new folder, but ``drop``."""
    if not out.is_dir():
        return
    drop = set(drop)
    for entry in sorted(out.iterdir()):
        target = staging / entry.name
        if os.path.lexists(target) or entry.name in drop:
            continue
        if entry.is_symlink():
            os.symlink(os.readlink(entry), target)
        elif entry.is_dir():
            shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, target)


def _move_entries(staging: Path, out: Path, drop: Iterable[str] = (),
                  mounts: list[Path] | None = None) -> None:
    """Move each export from a staging folder inside OUT into place, each one atomically; remove ``drop``.

    A folder that is, or holds, a mount point is never swapped away: its entries are moved
    into it one by one, and what the build does not write stays where it is.
    """
    mounts = mounts_within(_resolve(out)) if mounts is None else mounts
    for entry in sorted(staging.iterdir()):
        target = out / entry.name
        if entry.is_dir() and target.is_dir() and not target.is_symlink():
            if _holds_mount(_resolve(target), mounts):
                _move_entries(entry, target, (), mounts)
                continue
            if _exchange(entry, target):
                _remove_tree(entry)
                continue
            previous = out / f".{entry.name}.previous"
            _remove_tree(previous)
            os.rename(target, previous)
            os.rename(entry, target)
            _remove_tree(previous)
        elif _resolve(target) in mounts:
            raise OSError(errno.EBUSY, "a file system is mounted there", str(target))
        else:
            os.replace(entry, target)
    for name in sorted(set(drop)):
        stale = out / name
        if _resolve(stale) in mounts:
            continue  # a mounted folder is the user's, whatever its name
        if stale.is_dir() and not stale.is_symlink():
            _remove_tree(stale)
        elif os.path.lexists(stale):
            os.unlink(stale)
    staging.rmdir()
    _fsync_dir(out)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap(staging: Path, out: Path) -> None:
    if not os.path.lexists(out):
        os.rename(staging, out)
    elif _exchange(staging, out):
        _remove_tree(staging)  # now the previous build
    else:
        previous = _sibling(out, "previous")
        os.rename(out, previous)
        os.rename(staging, out)
        _remove_tree(previous)
    _fsync_dir(out.parent)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the platform or file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
