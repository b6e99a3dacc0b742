"""How the command line ends on an error: a message on stderr and an exit code, never a traceback.

Exit codes: 2 bad input (spec, file, arguments), 1 a failure while running (e.g. training stopped on a
NaN), 130 interrupted. :func:`friendly` wraps every command; :func:`located` adds a spec's file
positions to the errors about it.
"""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable

import click

from zoo.errors import SpecError, TrainingError, ZooError, bounded, printable

_INPUT_OS_ERRORS = (FileNotFoundError, FileExistsError, IsADirectoryError, NotADirectoryError, PermissionError)


def fail(message: str, code: int) -> None:
    """Print ``error: message`` (bounded, printable) on stderr and exit with ``code``."""
    message = printable(bounded(message))
    click.echo(f"error: {message}" if "\n" not in message else f"error:\n{message}", err=True)
    sys.exit(code)


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's input errors into exit code 2 and failures into exit code 1, no traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ZooError as e:
            fail(str(e), 2)
        except TrainingError as e:
            fail(str(e), 1)
        except _INPUT_OS_ERRORS as e:  # a path the user gave that cannot be read or written
            why = "exists and is not a directory" if isinstance(e, FileExistsError) else (e.strerror or str(e))
            fail(f"{e.filename}: {why}" if e.filename else why, 2)
        except OSError as e:  # e.g. a full disk while running
            fail(f"{e.filename + ': ' if e.filename else ''}{e.strerror or e}", 1)
        except KeyboardInterrupt:
            fail("interrupted", 130)

    return wrapper


def located(spec, fn: Callable[[], Any]) -> Any:
    """Run ``fn``; a SpecError it raises gets the spec's file positions."""
    try:
        return fn()
    except SpecError as e:
        raise (spec.source.locate(e) if spec.source else e) from None
