"""Recurrent Independent Mechanisms, with the LSTM baseline."""
