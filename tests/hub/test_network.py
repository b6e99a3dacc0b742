"""A stalled or trickling Hub ends in a clear error within the limits (ZOO_HUB_TIMEOUT, ZOO_HUB_DEADLINE),
for pull, push and specs that name hf:// banks; nothing partial is left in the cache."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from zoo.cli import main
from zoo.errors import BankError
from zoo.hub import load_bank, push
from zoo.hub.network import DEFAULT_DEADLINE_S, DEFAULT_TIMEOUT_S, limits

pytestmark = pytest.mark.timeout(120)  # a regression fails here instead of hanging the suite
TIMEOUT, DEADLINE = 0.5, 2.0
BOUND = DEADLINE + TIMEOUT + 2.0  # the deadline, at most one more wait, and slack for a loaded machine


@pytest.fixture
def limited(monkeypatch):
    monkeypatch.setenv("ZOO_HUB_TIMEOUT", str(TIMEOUT))
    monkeypatch.setenv("ZOO_HUB_DEADLINE", str(DEADLINE))


def _timed(fn):
    start = time.monotonic()
    with pytest.raises(BankError) as e:
        fn()
    return time.monotonic() - start, str(e.value)


def _partial(hub) -> list[str]:
    return [p.name for p in hub.cache.rglob("*.incomplete")]


def test_the_default_limits_end_a_stall_within_a_minute(monkeypatch):
    monkeypatch.delenv("ZOO_HUB_TIMEOUT", raising=False)
    monkeypatch.delenv("ZOO_HUB_DEADLINE", raising=False)
    assert (limits().timeout, limits().deadline) == (DEFAULT_TIMEOUT_S, DEFAULT_DEADLINE_S)
    assert DEFAULT_DEADLINE_S + DEFAULT_TIMEOUT_S <= 60  # the deadline plus at most one more wait


@pytest.mark.parametrize("value", ["0", "-3", "soon", "nan", "inf"])
def test_bad_limits_are_clear_errors(faulty_hub, monkeypatch, value):
    monkeypatch.setenv("ZOO_HUB_DEADLINE", value)
    with pytest.raises(BankError, match=rf"ZOO_HUB_DEADLINE='{value}': expected a positive number of seconds"):
        load_bank("hf://org/bank")


def test_a_stalled_api_gives_a_clear_error_in_time(faulty_hub, limited):
    faulty_hub.faults["api"] = ["stall"] * 100
    took, message = _timed(lambda: load_bank("hf://org/bank"))
    assert took < BOUND, took
    assert "did not answer in time" in message and "ZOO_HUB_DEADLINE=2 s" in message
    assert len([r for r in faulty_hub.served if "/revision/" in r[0]]) >= 2  # retried before giving up


def test_a_trickled_body_gives_a_clear_error_and_leaves_no_partial_blob(faulty_hub, limited):
    faulty_hub.trickle_s = 0.2  # under the read timeout: only the deadline can end it
    faulty_hub.faults["model.safetensors"] = ["trickle"] * 100
    took, message = _timed(lambda: load_bank("hf://org/bank"))
    assert took < BOUND, took
    assert "did not answer in time" in message
    assert ("model.safetensors", "trickle") in faulty_hub.served
    assert _partial(faulty_hub) == [] and not list(faulty_hub.cache.rglob("snapshots/*/model.safetensors"))


def test_one_stall_is_retried_and_the_download_succeeds(faulty_hub, monkeypatch):
    monkeypatch.setenv("ZOO_HUB_TIMEOUT", "0.5")
    faulty_hub.faults["model.safetensors"] = ["stall"]
    assert load_bank("hf://org/bank").spec.count == 2
    assert ("model.safetensors", "stall") in faulty_hub.served


def test_a_stalled_push_gives_a_clear_error_in_time(faulty_hub, limited, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "token")
    faulty_hub.faults["api"] = ["stall"] * 100
    took, message = _timed(lambda: push(faulty_hub.cache.parent / "src", "org/pushed"))
    assert took < BOUND, took
    assert message.startswith("hf://org/pushed: the Hub at ") and "did not answer in time" in message


def _cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_commands_exit_2_on_a_stalled_hub(faulty_hub, limited, tmp_path, monkeypatch):
    faulty_hub.faults["api"] = ["stall"] * 1000
    spec = tmp_path / "uses-hub.yaml"
    spec.write_text("zoo: 2\nname: uses-hub\nmodel: {kind: comet}\nslots: {count: 3, dim: 4}\nmechanisms:\n"
                    "  - {name: bank, kind: pretrained, source: 'hf://org/bank@v1'}\ninteractions: {kind: complete}\n")
    monkeypatch.setenv("HF_TOKEN", "token")
    outputs = {}
    for args in (("pull", "org/bank"), ("info", "org/bank@v1"), ("validate", str(spec)), ("compile", str(spec)),
                 ("compose", "comet-particles-compose", "--bank", "org/bank"), ("push", str(tmp_path / "src"), "org/other")):
        start = time.monotonic()
        r = _cli(*args)
        assert time.monotonic() - start < BOUND, args
        assert r.exit_code == 2 and "Traceback" not in r.output, (args, r.output)
        assert "did not answer in time" in r.output, (args, r.output)
        outputs[args[0]] = r.output
    for command in ("validate", "compile"):
        assert "uses-hub.yaml:6" in outputs[command] and "mechanisms[0].source" in outputs[command]


def test_one_deadline_for_all_the_hub_banks_of_a_spec(faulty_hub, limited, tmp_path):
    faulty_hub.faults["api"] = ["stall"] * 1000
    spec = tmp_path / "two-banks.yaml"
    spec.write_text("zoo: 2\nname: two-banks\nmodel: {kind: comet, banks: [a, b]}\nslots: {count: 3, dim: 4}\n"
                    "mechanisms:\n  - {name: a, kind: pretrained, source: 'hf://org/bank@v1'}\n"
                    "  - {name: b, kind: pretrained, source: 'hf://org/bank@v2'}\ninteractions: {kind: complete}\n")
    outputs = []
    for args in (("validate", str(spec)), ("compose", "comet-particles-compose", "--bank", "org/bank@v1", "--bank", "org/bank@v2")):
        start = time.monotonic()
        r = _cli(*args)
        assert time.monotonic() - start < 2 * DEADLINE, args  # two deadlines one after the other take longer
        assert r.exit_code == 2 and "did not answer in time" in r.output, (args, r.output)
        outputs.append(r.output)
    assert "mechanisms[0].source" in outputs[0] and "mechanisms[1].source" in outputs[0]  # validate reports both
