"""What a run shows: the loss and the family's key metric on the bar; one line per evaluation without one."""

from zoo.train.progress import Progress


def test_the_bar_shows_the_loss_and_then_the_key_metric(capsys):
    bar = Progress("my-run", total=4, initial=0, enabled=True, key_metric="nmi")
    bar.step(loss=2.5)
    assert bar.shown == {"loss": "2.5"}
    bar.evaluation(1, {"winner_mse": 0.3, "nmi": 0.4217, "purity": 0.9})
    bar.step()  # an unlogged step keeps what is shown
    bar.step(loss=1.25)
    assert bar.shown == {"loss": "1.25", "nmi": "0.4217"}
    bar.close()
    err = capsys.readouterr().err
    assert "loss=1.25, nmi=0.4217" in err and "winner_mse" not in err and "[my-run] step" not in err


def test_without_a_bar_each_evaluation_is_one_line_with_the_key_metric_first(capsys):
    bar = Progress("my-run", total=10, initial=0, enabled=False, key_metric="jari")
    metrics = {f"m{i}": float(i) for i in range(8)} | {"jari": 0.75}
    bar.evaluation(5, metrics, ["WARNING: something looks better than it is"])
    bar.evaluation(10, {"rec": 3.0})  # a metric set without the key metric still prints
    bar.close()
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["[my-run] step 5/10: jari=0.75, m0=0, m1=1, m2=2, m3=3, m4=4",
                     "[my-run] step 5: WARNING: something looks better than it is",
                     "[my-run] step 10/10: rec=3"]
