"""What lesson and CSV files share: one error type, short quotes of the input, a cheap
check of a file before it is parsed, and atomic writes.

Everything a loader refuses raises ``LoadError`` (a ``ValueError``) with a message that
names where the problem is (a field path or a line number) and quotes at most a short,
printable excerpt of the input, so the message is a few hundred characters at most
whatever the file holds.

Writes go out in chunks through ``write_chunk`` (tests replace it with a slow one to act
as a network share or a USB stick), so a write can report its progress and be cancelled
between chunks: a cancelled write removes its temporary file and leaves the target as it
was.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Callable

MAX_FILE_BYTES = 20 * 1024 * 1024  # a 20,000-point lesson with a full history is ~5 MB
MAX_MESSAGE = 400
EXCERPT = 40
TEMP_PREFIX = ".bpl-"
TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 600  # a temporary file this old belongs to a save that died
_TEMP_RE = re.compile(r"^\.bpl-[0-9a-f]{16}\.tmp$")
CHUNK_BYTES = 64 * 1024  # a cancel waits for at most one chunk (~0.06 s at 1 MB/s)


class WriteCancelled(Exception):
    """A write stopped before it replaced the target: the target is as it was."""


def write_chunk(f, chunk: bytes) -> None:
    """Write one chunk of a file being saved (the one place the bytes go to the disk)."""
    f.write(chunk)


class LoadError(ValueError):
    """A lesson or CSV file that cannot be loaded; the message says where and why."""

    def __init__(self, message: str):
        if len(message) > MAX_MESSAGE:  # a last guard: quotes are already short
            message = message[: MAX_MESSAGE - 1] + "…"
        super().__init__(message)


def excerpt(v, limit: int = EXCERPT) -> str:
    """A short, printable rendering of a value from a file, for an error message.

    Text is quoted and cut to ``limit`` characters, control characters escaped; numbers
    are plain (never ``np.float64(...)``); huge integers are described, not printed."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, int) or (hasattr(v, "dtype") and getattr(v.dtype, "kind", "") in "iu"):
        v = int(v)
        if abs(v) >= 10**30:  # str() of a huge int is slow and useless in a message
            return "a whole number of over 30 digits"
        return str(v)
    if isinstance(v, float) or hasattr(v, "dtype"):
        try:
            f = float(v)
        except (TypeError, ValueError):
            return type(v).__name__
        return repr(f) if math.isfinite(f) else ("nan" if f != f else ("inf" if f > 0 else "-inf"))
    if isinstance(v, str):
        return quote(v, limit)
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


def quote(text: str, limit: int = EXCERPT) -> str:
    """``text`` in double quotes, at most ``limit`` characters of it, control characters and
    other invisible ones escaped (an empty string shows as "")."""
    cut = len(text) > limit
    text = text[:limit]
    out = []
    for ch in text:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return '"' + "".join(out) + ("…" if cut else "") + '"'


# --- reading ---------------------------------------------------------------------------------
def read_capped(path: str | os.PathLike, what: str) -> bytes:
    """The bytes of ``path`` if it is not over the size limit (checked before reading)."""
    size = os.path.getsize(path)
    if size > MAX_FILE_BYTES:
        raise LoadError(
            f"file too large: {size / 1e6:.1f} MB (a {what} file is at most "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB)"
        )
    with open(path, "rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:  # it grew while we looked
        raise LoadError(f"file too large (a {what} file is at most {MAX_FILE_BYTES} bytes)")
    return data


# --- writing ---------------------------------------------------------------------------------
def _name_max(folder: str) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):
        return 255


def clean_stale_temps(folder: str, base: str = "") -> int:
    """Remove temporary files of saves that died (our pattern, or the one earlier versions
    used for ``base``, older than a few minutes); returns how many went. A save in progress
    elsewhere keeps its fresh file."""
    old = re.compile(re.escape(f".{base}.") + r"\d+\.[0-9a-f]{8}\.tmp") if base else None
    removed = 0
    now = time.time()
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        if not (_TEMP_RE.match(name) or (old is not None and old.fullmatch(name))):
            continue
        p = os.path.join(folder, name)
        try:
            if now - os.lstat(p).st_mtime > STALE_TEMP_SECONDS:
                os.unlink(p)
                removed += 1
        except OSError:
            pass
    return removed


def atomic_write_text(
    path: str | os.PathLike,
    text: str,
    stop: threading.Event | None = None,
    progress: Callable[[float], None] | None = None,
) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically: a temporary file next to the target,
    then ``os.replace``, so a crash leaves the old file or the new one, never half of one.

    ``stop`` (set from another thread) cancels the write between chunks and before the
    replace (``WriteCancelled``: the target is untouched, no temporary file stays);
    ``progress`` is told the fraction written (0..1) after each chunk.

    A symbolic link is followed: the file it points to is replaced and the link stays. A
    read-only target is refused (``PermissionError``), an existing file keeps its mode, a
    name too long for the folder is refused before anything is written, and the temporary
    file is removed on any failure. Leftovers of saves that died are cleaned up."""
    target = os.path.abspath(os.fspath(path))
    if os.path.islink(target):
        target = os.path.realpath(target)
    folder, base = os.path.split(target)
    shown = os.path.basename(os.fspath(path)) or os.fspath(path)
    if not base:
        raise IsADirectoryError(f"{quote(os.fspath(path), 80)} is a folder, not a file name")
    name_max = _name_max(folder) if os.path.isdir(folder) else 255
    nbytes = len(os.fsencode(base))
    if nbytes > name_max:
        raise OSError(
            f"the file name is too long ({nbytes} bytes; at most {name_max} in this folder): "
            "choose a shorter name"
        )
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"the folder {quote(folder, 80)} does not exist")
    if os.path.isdir(target):
        raise IsADirectoryError(f"{quote(shown, 80)} is a folder, not a file")
    mode = None
    if os.path.exists(target):
        mode = os.stat(target).st_mode & 0o7777
        # the owner's write bit, not os.access: an administrator may write anything, but a
        # file marked read-only is meant to stay as it is
        if not mode & stat.S_IWUSR or not os.access(target, os.W_OK):
            raise PermissionError(
                f"{quote(shown, 80)} is read-only: save under another name or make it writable"
            )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot write in the folder {quote(folder, 80)}")
    clean_stale_temps(folder, base)
    # a short fixed-length temporary name: a target name near the length limit still fits
    tmp = os.path.join(folder, f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}")
    try:
        # mode "x" creates a new file with the usual permissions (umask), unlike mkstemp;
        # binary, so the text is written exactly (UTF-8, "\n" line ends) whatever the platform
        data = text.encode("utf-8")
        with open(tmp, "xb") as f:
            for start in range(0, len(data), CHUNK_BYTES):
                if stop is not None and stop.is_set():
                    raise WriteCancelled(f"the save of {quote(shown, 80)} was cancelled")
                write_chunk(f, data[start : start + CHUNK_BYTES])
                if progress is not None:
                    progress(min(1.0, (start + CHUNK_BYTES) / len(data)))
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        if stop is not None and stop.is_set():
            raise WriteCancelled(f"the save of {quote(shown, 80)} was cancelled")
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and exc.filename == tmp:
            # the error names the hidden temporary file; say what failed in the user's terms
            reason = exc.strerror or type(exc).__name__
            raise OSError(f"could not write {quote(shown, 80)}: {reason}") from None
        raise
