"""Metrics of the modular hypernetwork family: module decoding and template alignment.

* **Module decoding R^2**: a ridge regression from the parameters a model inferred for each task
  (e.g. its adapted embedding) to the true task embedding, fit on in-distribution tasks and scored
  on OOD tasks. Near 1 means the model's task representation is a linear image of the teacher's.
* **Template alignment**: the student's templates, expressed in the teacher's embedding coordinates
  through a linear map between the embeddings, compared with the teacher's templates unit by unit
  (cosine of each hidden unit's incoming weights, best match over student units, so the score is
  invariant to permuting and positively rescaling hidden units). 1 means identical up to those.

All functions take and return plain tensors (computed in float64) and have no side effects.
"""

from __future__ import annotations

import torch


def _f64(*xs: torch.Tensor) -> list[torch.Tensor]:
    return [x.detach().to(torch.float64) for x in xs]


def ridge_fit(x: torch.Tensor, y: torch.Tensor, alpha: float = 1.0, intercept: bool = True
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """Ridge regression ``y ~ x w + b`` minimising ``|y - x w - b|^2 + alpha |w|^2``.

    Args:
        x: (N, D) features.
        y: (N, M) targets.
        alpha: L2 penalty on ``w`` (not on the intercept).
        intercept: fit ``b``; otherwise ``b = 0``.

    Returns:
        w (D, M) and b (M,), float64. Uses the dual form when D > N.
    """
    x, y = _f64(x, y)
    xm = x.mean(0) if intercept else torch.zeros(x.shape[1], dtype=x.dtype)
    ym = y.mean(0) if intercept else torch.zeros(y.shape[1], dtype=y.dtype)
    xc, yc = x - xm, y - ym
    n, d = xc.shape
    if d <= n:
        w = torch.linalg.solve(xc.T @ xc + alpha * torch.eye(d, dtype=x.dtype), xc.T @ yc)
    else:
        w = xc.T @ torch.linalg.solve(xc @ xc.T + alpha * torch.eye(n, dtype=x.dtype), yc)
    return w, ym - xm @ w


def r2_scores(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """Coefficient of determination per output: ``1 - SS_res / SS_tot`` (M,); NaN where SS_tot = 0."""
    y_true, y_pred = _f64(y_true, y_pred)
    ss_res = ((y_true - y_pred) ** 2).sum(0)
    ss_tot = ((y_true - y_true.mean(0)) ** 2).sum(0)
    return torch.where(ss_tot > 0, 1 - ss_res / ss_tot.clamp_min(1e-300), torch.full_like(ss_tot, float("nan")))


def decoding_r2(x_train: torch.Tensor, y_train: torch.Tensor, x_test: torch.Tensor, y_test: torch.Tensor,
                alpha: float = 1.0) -> float:
    """Ridge (with intercept) fit on the train pairs, mean R^2 over the test outputs that vary.

    Args:
        x_train / x_test: (N, D) inferred task parameters.
        y_train / y_test: (N, M) true task embeddings.
        alpha: ridge penalty.
    """
    w, b = ridge_fit(x_train, y_train, alpha)
    pred = _f64(x_test)[0] @ w + b
    scores = r2_scores(y_test, pred)
    return float(scores[~scores.isnan()].mean()) if (~scores.isnan()).any() else float("nan")


def embedding_map(inferred: torch.Tensor, true: torch.Tensor) -> torch.Tensor:
    """Least-squares F (K, E) with ``inferred @ F ~ true`` (no intercept)."""
    x, y = _f64(inferred, true)
    return torch.linalg.lstsq(x, y).solution


def template_alignment(student: torch.Tensor, teacher: torch.Tensor, mapping: torch.Tensor) -> float:
    """How well student templates match the teacher's up to hidden-unit permutation and scale.

    The student generates ``W(z) = sum_k z_k Theta_k``; with ``z F ~ e`` (``mapping`` = F), the
    student's weights for a teacher embedding e are ``sum_e e_e Theta'_e`` with
    ``Theta' = pinv(F) Theta``. Each hidden unit's incoming weights are unit-normalised; the score
    is the mean over experts and teacher units of the best cosine over student units.

    Args:
        student: (K, in, out_s) student templates of the layer.
        teacher: (E, in, out_t) teacher templates of the same layer.
        mapping: (K, E) F from :func:`embedding_map`.

    Returns:
        A score in [-1, 1].
    """
    student, teacher, mapping = _f64(student, teacher, mapping)
    mixed = torch.einsum("ek,kio->eio", torch.linalg.pinv(mapping), student)  # (E, in, out_s)
    s = mixed / mixed.norm(dim=1, keepdim=True).clamp_min(1e-12)
    t = teacher / teacher.norm(dim=1, keepdim=True).clamp_min(1e-12)
    cos = torch.einsum("eio,eiu->eou", t, s)  # (E, out_t, out_s)
    return float(cos.max(-1).values.mean())
