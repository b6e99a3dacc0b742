"""Figures of each model family, drawn with matplotlib (Agg backend) and written atomically."""
