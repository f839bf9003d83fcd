"""A module whose import fails with something other than ImportError, for the E010 check test."""

raise RuntimeError("this module fails while it is imported")
