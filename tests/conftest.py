"""Shared test settings: hypothesis profiles.

    HYPOTHESIS_PROFILE=ci        (default) what CI runs
    HYPOTHESIS_PROFILE=thorough  thousands of examples per property, for a long run
    HYPOTHESIS_PROFILE=dev       a quick look while editing
"""

import os

from hypothesis import HealthCheck, settings

_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=60, derandomize=False, print_blob=True, **_common)
settings.register_profile("thorough", max_examples=2000, print_blob=True, **_common)
settings.register_profile("dev", max_examples=15, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
