"""The embedded demo dataset used by ``triagedeck --demo`` and by the tests."""

from .dataset import DEMO_CASES, DEMO_EXPECTATIONS, demo_dataset

__all__ = ["DEMO_CASES", "DEMO_EXPECTATIONS", "demo_dataset"]
