"""Using a trained slot VAE: encode images to slots, decode slots to images, segment images."""

from __future__ import annotations

import torch

from zoo.errors import ZooError
from zoo.nn.slot_vae import SlotDecoder
from zoo.trained.base import Run


class ImageRun(Run):
    """A slot VAE over (H, W, C) images (uint8, or float in [0, 1]), as in the ``images`` file format (which also
    reads (C, H, W) and grey images; see :meth:`channels_last`)."""

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(H, W, C) from the spec."""
        c, h, w = self.input_type.shape
        return h, w, c

    def channels_last(self, images: torch.Tensor) -> torch.Tensor:
        """``images`` as (..., H, W, C) where only another reading fits the model: PyTorch's (..., C, H, W), or grey
        (B, H, W) / (H, W) for a one-channel model, as the ``images`` file format reads them."""
        h, w, c = self.image_shape
        shape = tuple(images.shape)
        if shape[-3:] == (h, w, c):
            return images
        if shape[-3:] == (c, h, w):
            return images.movedim(-3, -1)
        if c == 1 and shape[-2:] == (h, w) and len(shape) <= 3:
            return images.unsqueeze(-1)
        return images

    def as_images(self, images) -> tuple[torch.Tensor, bool]:
        images = self.channels_last(self.as_tensor(images, "images"))
        x, single = self.tensor(images, self.image_shape, "images")
        if images.dtype == torch.uint8:
            x = x / 255.0
        elif x.numel() and (x.min() < 0 or x.max() > 1):
            raise ZooError("images: float images must lie in [0, 1] (or give uint8 0..255)")
        return x.permute(0, 3, 1, 2), single  # (B, C, H, W)

    @torch.no_grad()
    def encode(self, images) -> torch.Tensor:
        """Slots (B, K, Dz) (the posterior means) of images (B, H, W, C) or (H, W, C)."""
        x, single = self.as_images(images)
        mu = self.model(**{self.input_name: x})["mu"]
        return mu[0] if single else mu

    @torch.no_grad()
    def decode(self, slots) -> torch.Tensor:
        """Images (B, H, W, C) in [0, 1] from slots (B, K, Dz) or (K, Dz)."""
        decoder = next(m for m in self.model.modules() if isinstance(m, SlotDecoder))
        z, single = self.tensor(slots, tuple(self.model.output_types["mu"].shape), "slots")
        recon = decoder(z)[0].clamp(0, 1).permute(0, 2, 3, 1)
        return recon[0] if single else recon

    @torch.no_grad()
    def segment(self, images) -> torch.Tensor:
        """Per-pixel slot ids (B, H, W) int64: the slot each pixel's decoder attention favours."""
        x, single = self.as_images(images)
        attention = self.model(**{self.input_name: x})["attention"]  # (B, H*W, K)
        h, w, _ = self.image_shape
        seg = attention.argmax(-1).view(-1, h, w)
        return seg[0] if single else seg
