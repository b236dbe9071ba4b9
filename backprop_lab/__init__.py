"""Backprop Lab: neural-network training made visible."""

__version__ = "0.1.0"
