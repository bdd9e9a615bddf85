# TEMPORARY shim while the chapters move to the course package: delete with the last user.
import sys

import course.plotting

sys.modules[__name__] = course.plotting
