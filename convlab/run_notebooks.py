"""``python -m convlab.run_notebooks``: kept for the documented command; see :mod:`convlab.course.run_notebooks`."""

import sys

from convlab.course.run_notebooks import main

if __name__ == "__main__":
    sys.exit(main())
