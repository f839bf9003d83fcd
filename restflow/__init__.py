"""restflow: a declarative, async-first layer on Django REST Framework.

Importing the package configures nothing. Features are switched on through
Django settings (``RESTFLOW_SETTINGS``, ``REST_FRAMEWORK`` and ``MIDDLEWARE``).
"""

__title__ = "Restflow"
__version__ = "0.1.0"
__license__ = "BSD 3-Clause"

VERSION = __version__

__all__ = ["VERSION", "__license__", "__title__", "__version__"]
