"""Test helpers shipped with hamta: tiny offline translation models (`hamta.testing.tiny_model`).

Importing this package loads nothing heavy; the builders import torch/transformers when called.
"""
