"""Column-wise row collection for one extract, keyed by the extract's contract."""

from __future__ import annotations

from sources.contracts import Contract, contract_by_name


class Rows:
    """Every version of every record of one extract, collected column by column.

    Times are epoch seconds (dates: midnight), decimals are floats; the writer casts them to
    the contract's types. Unknown column names fail at once, so the simulation and the contracts
    cannot drift apart.
    """

    def __init__(self, extract: str):
        self.contract: Contract = contract_by_name(extract)
        self.columns: dict[str, list] = {name: [] for name in self.contract.column_names}

    def add(self, **values) -> None:
        unknown = values.keys() - self.columns.keys()
        if unknown:
            raise KeyError(f"{self.contract.name} has no columns {sorted(unknown)}")
        for name, column in self.columns.items():
            column.append(values.get(name))

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))
