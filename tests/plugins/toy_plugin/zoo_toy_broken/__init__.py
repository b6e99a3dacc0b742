"""A plug-in whose import fails, as a broken third-party plug-in would."""

raise ImportError("zoo_toy_broken needs a library that is not installed")
