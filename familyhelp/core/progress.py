"""Progress bars for long commands (issue 15: every command that runs longer than a few seconds shows one).

`stages(...)` is a tqdm bar over the named steps of a piece of work that cannot count its rows (building a
return, rendering a pack): each `step("…")` ends the previous stage and names the next. The bar goes to
standard error and only on a terminal (tqdm's `disable=None`), so logs, pipes and tests stay clean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tqdm import tqdm


@contextmanager
def stages(title: str, total: int, *, file: Any = None, enabled: bool | None = None) -> Iterator[Callable[[str], None]]:
    """A bar of `total` steps; call the yielded `step(description)` as each stage begins (the first call
    starts the bar at 0; each later call completes one step). The last stage is completed on exit."""
    bar = tqdm(total=total, desc=title, unit="step", file=file, disable=None if enabled is None else not enabled)
    started = False

    def step(description: str) -> None:
        nonlocal started
        if started:
            bar.update(1)
        started = True
        bar.set_description_str(f"{title}: {description}")

    try:
        yield step
        if started and bar.n < total:
            bar.update(total - bar.n)
        bar.set_description_str(f"{title}: done")
    finally:
        bar.close()
