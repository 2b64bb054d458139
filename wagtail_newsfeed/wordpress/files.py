"""One export or several, read as one stream.

Large sites export in parts (``wp export`` starts a new file every 15 MB), and a post's featured
image may be in another part than the post. Naming every part in one run lets the survey see
them all before any post is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .records import Channel
from .wxr import ExportError, ExportReader

Progress = Callable[[str], Callable[[int, int], None] | None]


class ExportFiles:
    def __init__(self, paths: list[Path], label: str, progress: Progress) -> None:
        self.paths, self.label, self.progress = [Path(p) for p in paths], label, progress
        self.current: ExportReader | None = None
        self.removed_control_characters = 0
        self._channel: Channel | None = None

    @property
    def channel(self) -> Channel:
        """The channel of the first file (the site every part comes from)."""
        if self._channel is not None:
            return self._channel
        return self.current.channel if self.current is not None else Channel()

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        for number, path in enumerate(self.paths, start=1):
            label = (
                self.label if len(self.paths) == 1 else f"{self.label} {number}/{len(self.paths)}"
            )
            self.current = ExportReader(path, self.progress(label))
            try:
                yield from self.current
            except ExportError as error:
                raise ExportError(f"{path}: {error}") from None
            if self._channel is None:
                self._channel = self.current.channel
            self.removed_control_characters += self.current.removed_control_characters
