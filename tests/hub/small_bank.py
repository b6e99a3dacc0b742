"""The small COMET bank the Hub tests serve (a module of its own: test files import it by a name
that no other conftest.py shadows)."""

SMALL_BANK = """\
zoo: 2
name: owner
model: {kind: comet}
slots: {count: 3, dim: 4}
mechanisms:
  - {name: bank, kind: mlp, count: 2, hidden: [5], inputs: [self, context]}
interactions: {kind: complete}
"""
