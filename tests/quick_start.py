"""Loaded before pytest's other plugins (``-p tests.quick_start`` in pyproject.toml's addopts).

nbval imports nbformat, nbformat imports jsonschema, and jsonschema imports the optional IRI
checker ``rfc3987_syntax`` when it is installed (Jupyter's server pulls it in). That module
compiles a grammar on import: over a second of CPU in the main process and again in each xdist
worker, for the ``iri`` string format, which no notebook schema uses. Marking it as missing
here makes jsonschema leave that one format unchecked, in the test processes only.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
