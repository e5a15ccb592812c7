"""Shared code for the PyTorch-vs-TensorFlow notebook chain.

Notebooks stay thin: they call these modules, show tables and charts, and explain.
"""
