"""Models used only by the test suite, beside the example catalog's models."""
