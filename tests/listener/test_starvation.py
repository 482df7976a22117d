"""A local program cannot keep PBMS out: a real push is answered within a second meanwhile."""

import pytest

from fps_desktop.listener.connections import MAX_CONNECTIONS
from tests.listener.attacks import PATTERNS, AttackProcess, median, push_latencies


@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_a_real_push_gets_through_every_starvation_pattern(make_listener, pushes, pattern):
    listener, _ = make_listener()
    with AttackProcess(pattern, listener.port, MAX_CONNECTIONS + 8, MAX_CONNECTIONS):
        latencies, statuses = push_latencies(listener.port, 5)
    assert statuses == [200] * 5
    # The median, so one push delayed by a busy machine cannot decide; typically milliseconds.
    assert median(latencies) <= 1.0, latencies
    assert len(pushes) == 5
