"""``python -m convlab.make_exercises``: kept for the documented command; see :mod:`convlab.course.make_exercises`."""

import sys

from convlab.course.make_exercises import main

if __name__ == "__main__":
    sys.exit(main())
