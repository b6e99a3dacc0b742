"""COMET: compete and compose mechanisms over object slots, with the interaction-network baseline."""
