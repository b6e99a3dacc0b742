"""Warnings from the library (the ``zoo`` loggers) on the command line's stderr, one line each."""

from __future__ import annotations

import logging

import click

from zoo.errors import printable


class _Stderr(logging.Handler):
    """Writes a record as ``warning: <message>`` to the stderr click is using now."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"{record.levelname.lower()}: {printable(record.getMessage())}", err=True)


def show_library_warnings() -> None:
    """Send the library's warnings (e.g. a Hub tag that moved) to stderr, once per process."""
    logger = logging.getLogger("zoo")
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        logger.addHandler(_Stderr(logging.WARNING))
