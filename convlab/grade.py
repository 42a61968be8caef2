"""``python -m convlab.grade``: kept for the documented command; the grader is :mod:`convlab.course.grade`."""

import sys

from convlab.course.grade import main

if __name__ == "__main__":
    sys.exit(main())
