"""Modular hypernetworks over a task embedding, with the ANIL and MAML baselines."""
