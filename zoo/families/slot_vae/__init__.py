"""The slot VAE with an interaction regulariser on its decoder."""
