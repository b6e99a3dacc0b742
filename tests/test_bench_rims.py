"""The RIMs benchmark: its sweep at tiny sizes, its figures from a sweep table, the MNIST and balls keys and the report."""

from __future__ import annotations

from tests.support.bench import bench_module, run_bench


def test_rims_quick_runs_through_the_sweep(tmp_path):
    """bench/rims.py at tiny sizes: its RIMs and LSTM for two seeds, a sweep of two worker processes (--jobs 2)."""
    out = run_bench("rims.py", "--quick", "--jobs", "2", "--tasks", "digits", "--seeds", "0-1", "--out", str(tmp_path))
    for job in ("rims-digits seed 0 (", "rims-digits seed 1 (", "lstm-digits seed 0 (", "lstm-digits seed 1 ("):
        assert job in out.stdout
    assert "4 run(s); 0 done already, 4 to run, 2 at a time" in out.stdout
    assert "digits, mean over 2 seed(s)" in out.stdout
    assert not list(tmp_path.iterdir())  # a smoke run writes no results


def test_rims_figures_from_a_sweep_table(monkeypatch):
    """Each run's figures under <key>_seed<S>, their means over the seeds, the seed count and step scale;
    failed runs do not count."""
    from zoo.sweep import RunRow

    rims = bench_module("rims", monkeypatch)

    def row(spec, seed, acc, status="ok"):
        return RunRow(f"{spec}-{seed}", spec, "-", (), seed, status, "", 10.0 + seed, "f",
                      {"test_24_acc": acc, "test_24_loss": 1.0, "steps": 750.0} if status == "ok" else {})

    rows = [row("rims-digits", 1, 0.3), row("rims-digits", 0, 0.2), row("lstm-digits", 0, 0.15),
            row("rims-digits", 2, None, "failed")]
    r = rims.task_figures("digits", rows)
    assert r["digits_acc_24_rims_seed0"] == 100 * 0.2 and r["digits_acc_24_rims_seed1"] == 100 * 0.3
    assert r["digits_acc_24_rims"] == (100 * 0.2 + 100 * 0.3) / 2 and r["digits_acc_24_lstm"] == 100 * 0.15
    assert r["digits_seconds_rims"] == 10.5 and r["seeds_digits"] == 2.0 and r["steps_scale_digits"] == 0.5
    assert not any("seed2" in k for k in r)


def test_rims_mnist_and_balls_keys_and_the_report(monkeypatch, tmp_path):
    """MNIST runs give mnist_acc_<size>_<model>, balls runs balls_rollout_<n>_<model>; the report shows the
    MNIST table first, the 8x8 digits second, checks the targets and keeps its hand-written notes."""
    from zoo.sweep import RunRow

    rims = bench_module("rims", monkeypatch)
    report = bench_module("rims_report", monkeypatch)
    mnist = {f"test_{n}_acc": 0.9 - n / 100 for n in (14, 16, 19, 24)} | {"steps": 210.0}
    rows = [RunRow(f"{m}-{s}", f"{m}-mnist", "-", (), s, "ok", "", 1.0, "f",
                   {k: v + (0.2 if m == "rims" else 0.0) * (k != "steps") for k, v in mnist.items()})
            for m in ("rims", "lstm") for s in (0, 1, 2)]
    r = rims.task_figures("mnist", rows)
    assert r["mnist_acc_19_rims"] == 100 * (0.9 - 0.19 + 0.2) and r["mnist_acc_19_lstm"] == 100 * (0.9 - 0.19)
    assert rims.task_results("balls", "rims", {"test_6_rollout_mse": 0.02, "test_6_loss": 0.1}) == {
        "balls_test_6_rollout_mse_rims": 0.02, "balls_rollout_6_rims": 0.02, "balls_test_6_loss_rims": 0.1}
    r |= {"copy_error_50_rims": 0.04, "copy_error_50_lstm": 0.8, "grouped_vs_loop_speedup": 2.5,
          "digits_acc_14_rims": 80.0, "digits_acc_14_lstm": 81.0}
    md = tmp_path / "RESULTS-rims.md"
    report.write_markdown(r, md, {"mnist": [0, 1, 2]}, "Machine: test", "### Notes\n\nkept")
    text = md.read_text()
    assert text.index("| MNIST accuracy 19x19 | 91 | 71 |") < text.index("| 8x8 digits accuracy 14x14 (train res.) | 80 |")
    assert "- MNIST 19x19: RIMs at least 10 points above the LSTM: met" in text
    assert "- copying, delay 50: RIMs error at most 0.05: met" in text
    assert "- balls, 6 balls: RIMs 5-step rollout MSE at most the LSTM's: not measured" in text
    assert "- seed 1: 14x14 96.0 / 76.0" in text and text.endswith("### Notes\n\nkept\n\n")
    assert "Both models read each MNIST pixel as a value 0.0 or 1.0 (`data.pixels: floats`" in text  # the specs'
    report.write_markdown(r | {"seeds_mnist": 2.0}, md, {}, "Machine: test")  # the targets are set on 3 seeds
    assert ("- MNIST 19x19: RIMs at least 10 points above the LSTM: not decided (2 of the 3 seeds it is set on; "
            "met on those)") in md.read_text()
    untrained = r | {"mnist_acc_14_lstm": 10.0}  # at chance at the training size: the targets compare nothing
    report.write_markdown(untrained, md, {}, "Machine: test")
    assert "- MNIST 19x19: RIMs at least 10 points above the LSTM: not decided" in md.read_text()
