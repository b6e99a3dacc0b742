"""Parametrized adversarial case families: bad revisions and repository ids (each through ``zoo pull``
and inside a spec's ``hf://`` source under ``zoo validate``), terminal control codes in every field zoo
prints from a bank or a spec, special files (FIFO, a link to /dev/zero, a directory, a link loop) in
place of every file a command reads, and ``--resume`` with each field that may not change changed.

Each case is a distinct input; ``run()`` builds what it needs in a temporary directory and returns True
when zoo handled it cleanly: exit code 2, one ``error:`` message saying what was wrong, no traceback, no
control code in the output, no request to the Hub and nothing written outside, or (for printed fields)
the field shown escaped. Run: ``PYTHONPATH=. python bench/reliability_name_cases.py``.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.reliability_hub_world import BANK, cli, small_bank, world  # noqa: E402
from bench.reliability_spec_cases import Check  # noqa: E402

# Each breaks one rule of ``git check-ref-format`` (or the Hub's length limit); ``{m}`` is a unique mark
# that must not appear as a file anywhere after the case.
BAD_REVISIONS = {
    "dotdot inside": "a/../{m}", "two dots": "a..{m}", "double slash": "a//{m}", "leading slash": "/{m}",
    "trailing slash": "{m}/", "trailing dot": "{m}.", "leading dash": "-{m}", "leading dot": ".{m}",
    "component with a leading dot": "a/.{m}", "ending .lock": "{m}.lock", "component ending .lock": "a.lock/{m}",
    "a lone @": "@", "@{": "{m}@{{1}}", "a space": "a {m}", "a tab": "a\t{m}", "NUL": "a\x00{m}",
    "ESC (CSI)": "a\x1b[2J{m}", "DEL": "a\x7f{m}", "tilde": "{m}~1", "caret": "{m}^", "colon": "a:{m}",
    "question mark": "{m}?", "asterisk": "{m}*", "open bracket": "a[{m}", "backslash": "a\\{m}",
    "empty": "", "256 characters": "x" * 256, "dotdot alone": "..", "dot alone": ".", "dot component": "a/./{m}",
    "refs with dotdot": "refs/heads/../{m}", "newline": "a\n{m}", "carriage return": "a\r{m}",
    "windows path": "..\\..\\{m}", "drive letter": "C:\\{m}",
}
BAD_REPO_IDS = {
    "no namespace": "bank", "three parts": "org/bank/x", "leading dash": "org/-bank", "trailing dash": "org/bank-",
    "leading dot": "org/.bank", "trailing dot": "org/bank.", "two dots": "org/a..b", "dotdot namespace": "../bank",
    "empty name": "org/", "empty namespace": "/bank", "97 characters": "org/" + "x" * 97, "a space": "org/a b",
    "ESC": "org/a\x1b[2Jb", "non-ASCII": "org/bänk", "backslash": "org\\bank/x",
}


NAME_REFUSALS = ("bad revision", "bad Hub repository", "bad bank reference", "is not a Hub repository")


def _clean_refusal(code: int, err: str) -> bool:
    """Exit 2 with one ``error:`` message saying which name is bad; no traceback; no control code shown."""
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    return (code == 2 and len(errors) == 1 and any(p in err for p in NAME_REFUSALS) and "Traceback" not in err
            and all(c.isprintable() or c == "\n" for c in err))


def _pretrained_spec(directory: Path, source: str) -> str:
    path = directory / "uses-hub.yaml"
    doc = {**BANK, "name": "uses-hub", "mechanisms": [{"name": "bank", "kind": "pretrained", "source": source}]}
    path.write_text(json.dumps(doc))
    return str(path)


def _bad_name(template: str, kind: str, via: str) -> bool:
    """``template`` (a revision or a repo id) through ``zoo pull`` or ``zoo validate``: refused, no request,
    no file named after it anywhere."""
    mark = f"escaped-{secrets.token_hex(4)}"
    text = template.replace("{m}", mark).replace("{{", "{").replace("}}", "}")
    ref = f"org/bank@{text}" if kind == "revision" else text
    with world() as w:
        if via == "pull":
            code, err, _ = cli("pull", ref, "--to", str(w.root / "copy"))
        else:
            code, err, _ = cli("validate", _pretrained_spec(w.root, f"hf://{ref}"))
        outside = any(Path(tempfile.gettempdir()).glob(f"*{mark}*")) or any(w.root.rglob(f"*{mark}*"))
        return _clean_refusal(code, err) and not w.hub.requests and not outside


def name_checks() -> list[Check]:
    """Every bad revision and repository id, each through ``zoo pull`` and a spec."""
    out = []
    for kind, table in (("revision", BAD_REVISIONS), ("repo id", BAD_REPO_IDS)):
        for label, template in table.items():
            for via in ("pull", "validate"):
                out.append(Check(f"bad {kind} ({label}) via zoo {via}", functools.partial(_bad_name, template, kind, via)))
    return out


# -- control codes in printed fields -------------------------------------------------------------------
CODES = {"OSC": "\x1b]0;pwned\x07", "CSI": "\x1b[2J", "BEL": "\x07", "NUL": "\x00", "DEL": "\x7f", "C1 CSI": "\x9b31m",
         "CR": "\r"}


def _shown_escaped(code_text: str, field: str) -> bool:
    """A bank (or spec) whose ``field`` holds ``code_text``: zoo prints it escaped or refuses it cleanly."""
    with tempfile.TemporaryDirectory(prefix="zoo-escape-") as tmp:
        bank = small_bank(Path(tmp) / "bank")
        meta = json.loads((bank / "spec.json").read_text())
        value = f"x{code_text}y"
        if field == "spec value quoted in an error":
            code, err, _ = cli("validate", _pretrained_spec(Path(tmp), value))
            out = err
        else:
            if field == "provenance":
                meta["provenance"]["procedure"] = value
            elif field == "metric key":
                meta["metrics"] = {value: 0.5}
            else:
                meta["name"] = value
            (bank / "spec.json").write_text(json.dumps(meta))
            from click.testing import CliRunner

            from zoo.cli import main

            r = CliRunner().invoke(main, ["info", str(bank)])
            code, out = r.exit_code, r.output
        return code in (0, 2) and "Traceback" not in out and all(c.isprintable() or c == "\n" for c in out)


def escape_checks() -> list[Check]:
    """Every control code in every field zoo shows."""
    fields = ("provenance", "metric key", "bank name", "spec value quoted in an error")
    return [Check(f"{name} in the {field} (shown escaped)", functools.partial(_shown_escaped, text, field))
            for name, text in CODES.items() for field in fields]


# -- special files × readers --------------------------------------------------------------------------------
def _make_special(path: Path, kind: str) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    if kind == "FIFO":
        os.mkfifo(path)
    elif kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "directory":
        path.mkdir()
    else:
        path.symlink_to(path.name)  # a link to itself: a loop


def _special_read(kind: str, reader: str) -> bool:
    from bench.reliability_local_cases import _refused, _zoo

    with tempfile.TemporaryDirectory(prefix="zoo-special-") as tmp:
        root = Path(tmp)
        if reader == "spec YAML (zoo validate)":
            target, args = root / "spec.yaml", ("validate", root / "spec.yaml")
        elif reader == "metrics.json (zoo report)":
            run = root / "run"
            run.mkdir()
            (run / "spec.yaml").write_text("zoo: 2\nname: r\n")
            (run / "train.csv").write_text("step,loss\n1,0.5\n")
            target, args = run / "metrics.json", ("report", run)
        else:
            bank = small_bank(root / "bank")
            target, args = bank / reader.split()[0], ("info", bank)
        _make_special(target, kind)
        before = sorted(p.name for p in root.rglob("*"))
        ok = _refused(_zoo(*args), target.name)
        return ok and sorted(p.name for p in root.rglob("*")) == before


def special_file_checks() -> list[Check]:
    """Every special file in place of every file a command reads (less those main's cases already try)."""
    readers = ("spec YAML (zoo validate)", "spec.json of a bank (zoo info)", "model.safetensors of a bank (zoo info)",
               "README.md of a bank (zoo info)", "metrics.json (zoo report)")
    tried = {("FIFO", "spec YAML (zoo validate)"), ("link to /dev/zero", "spec YAML (zoo validate)"),
             ("FIFO", "spec.json of a bank (zoo info)"), ("FIFO", "model.safetensors of a bank (zoo info)")}
    return [Check(f"special file: {kind} as the {reader}", functools.partial(_special_read, kind, reader))
            for kind in ("FIFO", "link to /dev/zero", "directory", "symlink loop") for reader in readers
            if (kind, reader) not in tried]


# -- --resume with a changed spec: one case per field that may not change ----------------------------------
RESUME_CHANGES = {"name": "name=other", "model.nodes[1].hidden[1]": "model.nodes[1].hidden=[8, 16]",
                  "data.noise": "data.noise=0.5", "train.batch": "train.batch=4", "train.schedule": "train.schedule=constant",
                  "train.warmup": "train.warmup=1", "train.grad_clip": "train.grad_clip=0.5"}


def resume_checks() -> list[Check]:
    """``--set FIELD=...`` on ``--resume`` exits 2 with the difference, leaving every file (spec.yaml too) as it was."""
    from bench.reliability_local_cases import _changed_on_resume, _in_tmp

    return [Check(f"--resume --set {override} (changed {field})", _in_tmp(_changed_on_resume(override, f"{field}: ")))
            for field, override in RESUME_CHANGES.items()]


def family_cases() -> list[Check]:
    """Every case of this file."""
    return name_checks() + escape_checks() + special_file_checks() + resume_checks()


if __name__ == "__main__":
    failed = [c.name for c in family_cases() if not c.run()]
    print(json.dumps({"cases": len(family_cases()), "failed": failed}, indent=1))
