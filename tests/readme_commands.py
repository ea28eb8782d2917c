"""The commands a newcomer types from the README: fenced shell and Python blocks, and the
``make`` targets of its command table, in the order the README gives them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FENCED = re.compile(r"^```(bash|python)\n(.*?)^```", re.MULTILINE | re.DOTALL)
TABLE_MAKE = re.compile(r"^\| `(make [a-z-]+)` \|", re.MULTILINE)


@dataclass(frozen=True)
class Command:
    kind: str  # "bash" or "python"
    text: str

    @property
    def name(self) -> str:
        return self.text.splitlines()[0].split("#")[0].strip()


def shell_lines(block: str) -> list[str]:
    """One command per logical line (a trailing backslash continues it); blank lines dropped."""
    joined = block.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip()]


def readme_commands(readme: Path) -> list[Command]:
    text = readme.read_text()
    found: list[tuple[int, Command]] = []
    for match in FENCED.finditer(text):
        kind, body = match.groups()
        if kind == "python":
            found.append((match.start(), Command("python", body)))
        else:
            found += [(match.start(), Command("bash", line)) for line in shell_lines(body)]
    found += [(m.start(), Command("bash", m.group(1))) for m in TABLE_MAKE.finditer(text)]
    commands: dict[str, Command] = {}
    for _, command in sorted(found, key=lambda item: item[0]):
        commands.setdefault(command.name, command)
    return list(commands.values())
