"""``python -m convlab.release OUT``: the instructor's release; see :mod:`convlab.course.release`."""

import sys

from convlab.course.release import main

if __name__ == "__main__":
    sys.exit(main())
