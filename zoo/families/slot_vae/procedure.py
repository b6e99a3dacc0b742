"""``vae``: train a slot VAE with the interaction regulariser; measure JIS, J-ARI, ARI and reconstruction.

The environment provides ``splits = {"train": {"images", "masks", ...}, "test": {...}}`` with uint8
(or float in [0, 1]) images (N, C, H, W) and ground-truth masks (N, H, W) (0 = background); without
masks only the reconstruction, KL and interaction terms are reported. The model reads one image
input and returns ``recon`` (B, C, H, W), ``attention`` (B, H*W, K), ``mu`` and ``logvar`` (B, K, D)
(and ``z``, the latent its decoder reads).

Loss per batch: ``sigma * sum (x - x_hat)^2 / B + beta * KL(q(z|x) || N(0, I)) + alpha_t * L_int``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from zoo.errors import Issue
from zoo.families.slot_vae import metrics as metrics
from zoo.metrics.collapse import collapse_metrics, collapse_warning, max_slot_share
from zoo.nn.slot_vae import SlotDecoder
from zoo.train.procedure import Procedure

EVAL_CHUNK = 64  # test images per forward pass during evaluation


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, exp(logvar)) || N(0, I)) summed over slots and dims, averaged over the batch."""
    return 0.5 * (mu**2 + logvar.exp() - logvar - 1.0).flatten(1).sum(dim=1).mean()


def ramp(step: int, weight: float, start: int, steps: int) -> float:
    """A loss weight at ``step``: 0 before ``start``, then linear up to ``weight`` over ``steps``."""
    if step < start:
        return 0.0
    if steps == 0:
        return weight
    return weight * min(1.0, (step - start) / steps)


class VAEProcedure(Procedure):
    """Minimise the slot VAE loss; evaluate reconstruction, attention ARI, JIS and J-ARI on test images.

    Evaluation also reports ``max_slot_fg_share`` and ``collapsed`` (:mod:`zoo.metrics.collapse`) from
    the Jacobian segmentation (the attention segmentation when the model has no SlotDecoder).
    """

    needs = ("recon", "attention", "mu", "logvar")

    @classmethod
    def model_issues(cls, spec, inputs, outputs, parameters) -> list[Issue]:
        """The base checks and a single (image) input."""
        issues = super().model_issues(spec, inputs, outputs, parameters)
        if len(inputs) != 1:
            issues.append(Issue(("train", "procedure"), f"the vae procedure feeds one image input; the model has "
                                                        f"{sorted(inputs)}"))
        return issues

    def __init__(self, spec, model, env, device):
        super().__init__(spec, model, env, device)

        self.input = next(iter(model.input_types))
        decoders = [m for m in model.modules() if isinstance(m, SlotDecoder)]
        self.decoder = decoders[0] if len(decoders) == 1 else None
        self.key_metric = "jari" if self.decoder is not None else "attention_ari"
        self.figure: dict[str, torch.Tensor] = {}

    def _images(self, split: str, index: torch.Tensor | slice) -> torch.Tensor:
        x = self.env.splits[split]["images"][index]
        return x.to(self.device, torch.float32) / 255.0 if x.dtype == torch.uint8 else x.to(self.device, torch.float32)

    def batch(self, step, generator):
        n = self.env.splits["train"]["images"].shape[0]
        idx = torch.randint(0, n, (self.spec.train.batch,), generator=generator)
        return {"image": self._images("train", idx)}

    def loss(self, batch, step):
        cfg = self.spec.train
        x = batch["image"]
        out = self.model(**{self.input: x})
        rec = (out["recon"] - x).pow(2).sum() / x.shape[0]
        kl = kl_divergence(out["mu"], out["logvar"])
        inter = metrics.interaction(out["attention"])
        alpha = ramp(step, cfg.alpha, cfg.alpha_start, cfg.alpha_ramp)
        beta = ramp(step, cfg.beta, 0, cfg.beta_ramp)
        loss = cfg.sigma * rec + beta * kl + alpha * inter
        return loss, {"rec": rec.item(), "kl": kl.item(), "interaction": inter.item(), "alpha": alpha, "beta": beta}

    @torch.no_grad()
    def evaluate(self):
        cfg = self.spec.train
        test = self.env.splits["test"]
        n = min(cfg.eval_images, test["images"].shape[0])
        sums = {"mse": 0.0, "rec": 0.0, "kl": 0.0, "interaction": 0.0}
        attention, latents = [], []
        for start in range(0, n, EVAL_CHUNK):
            x = self._images("test", slice(start, min(start + EVAL_CHUNK, n)))
            out = self.model(**{self.input: x})
            b = x.shape[0]
            sums["mse"] += (out["recon"] - x).pow(2).mean().item() * b
            sums["rec"] += (out["recon"] - x).pow(2).sum().item()
            sums["kl"] += kl_divergence(out["mu"], out["logvar"]).item() * b
            sums["interaction"] += metrics.interaction(out["attention"]).item() * b
            attention.append(out["attention"].cpu())
            latents.append(out.get("z", out["mu"]))
        result = {k: v / n for k, v in sums.items()}
        if "masks" not in test:  # images without ground-truth objects: no segmentation scores
            return result
        masks = test["masks"][:n].long().flatten(1)
        attention = torch.cat(attention)
        result["attention_ari"] = metrics.attention_ari(attention, masks)
        result.update(self._jacobian_metrics(torch.cat(latents)[: cfg.jacobian_images], masks))
        if "max_slot_fg_share" not in result:
            result.update(collapse_metrics(max_slot_share(attention.argmax(-1), masks, attention.shape[-1])))
        return result

    def _jacobian_metrics(self, z: torch.Tensor, masks: torch.Tensor) -> dict[str, float]:
        """JIS and J-ARI on the first test images (needs a SlotDecoder block in the model)."""
        if self.decoder is None:
            return {}
        cfg, d = self.spec.train, self.decoder
        weights = metrics.slot_jacobian(d.decode_pixels, z, d.size * d.size, chunk=cfg.jacobian_chunk)
        norm = metrics.normalise_slots(weights).cpu()  # (J, K, P)
        masks = masks[: z.shape[0]]
        self.figure = {"z": z[: cfg.plot_images], "norm": norm[: cfg.plot_images]}
        share = max_slot_share(norm.argmax(dim=1), masks, norm.shape[1])
        return {"jis": metrics.jis(norm, masks > 0), "jari": metrics.jari(norm, masks), **collapse_metrics(share)}

    def warnings(self, metrics_: dict[str, float]) -> list[str]:
        """The slot-collapse warning when one slot takes more than 90% of the foreground."""
        warning = collapse_warning(metrics_)
        return [warning] if warning else []

    def artifacts(self, run_dir: Path, metrics_: dict[str, float]) -> dict[str, Any]:
        """``plots/slotvae.png``: images, reconstructions, masks and per-slot Jacobian maps."""
        if not self.figure or self.spec.train.plot_images == 0 or "masks" not in self.env.splits["test"]:
            return {}
        from zoo.families.slot_vae.figures import write_figure

        k = self.figure["norm"].shape[0]
        test = self.env.splits["test"]
        self.model.eval()
        with torch.no_grad():
            recon = self.decoder(self.figure["z"])[0].clamp(0, 1).cpu()
        write_figure(run_dir / "plots" / "slotvae.png", self._images("test", slice(0, k)).cpu(), recon,
                     test["masks"][:k].long(), self.figure["norm"], self.spec.name, metrics_)
        return {}
