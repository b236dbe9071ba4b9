"""Backprop Lab: neural-network training made visible.

Package mapping: ``backprop_lab`` is this folder, ``src/backprop_lab/``; its subpackages live
in the top-level folders ``engine/``, ``gui/`` and ``resources/`` (the ``package-dir`` table
in pyproject.toml; see docs/architecture.md).
"""

import os

# The app's matrices are tiny (≤ 64 × a few thousand): a multi-threaded BLAS only adds
# synchronisation, and on a 2-core machine its spinning threads starve the GUI thread
# (measured: the 200×200 decision grid ran 10× slower with OpenBLAS's default threads
# while another process was busy). Must be set before NumPy loads; a user's explicit
# setting wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

__version__ = "0.1.0"
