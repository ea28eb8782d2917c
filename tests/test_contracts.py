"""The extract contracts parse, cover all four departments and reject malformed contracts."""

from pathlib import Path

import pytest

from sources.contracts import DEPARTMENTS, ContractError, load_contracts

VALID = """\
name: things
department: sales
system: crm
file_pattern: crm/things/*.csv
format: csv
primary_key: [thing_id]
version_column: updated_at
columns:
  - {name: thing_id, type: varchar, nullable: false}
  - {name: updated_at, type: timestamp, nullable: false}
"""


def write_contract(folder: Path, text: str, name: str = "things") -> Path:
    (folder / "sales").mkdir(parents=True, exist_ok=True)
    path = folder / "sales" / f"{name}.yml"
    path.write_text(text)
    return path


def test_bundled_contracts_cover_every_department():
    contracts = load_contracts()
    assert {c.department for c in contracts} == set(DEPARTMENTS)
    assert len({c.raw_table for c in contracts}) == len(contracts)
    for contract in contracts:
        assert contract.primary_key, contract.name
        assert all(contract.column(k).nullable is False for k in contract.primary_key)


def test_valid_contract_parses(tmp_path):
    write_contract(tmp_path, VALID)
    (contract,) = load_contracts(tmp_path)
    assert contract.raw_table == "raw_crm.things"
    assert contract.column_names == ("thing_id", "updated_at")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("type: timestamp", "type: datetime"), "unknown type 'datetime'"),
        (("format: csv", "format: xlsx"), "format 'xlsx'"),
        (("version_column: updated_at", "version_column: changed_at"), "'changed_at'"),
        (
            ("{name: thing_id, type: varchar, nullable: false}", "{name: thing_id, type: varchar}"),
            "primary key columns must be nullable: false",
        ),
        (("file_pattern: crm/things/*.csv\n", ""), "required key 'file_pattern'"),
    ],
)
def test_malformed_contract_names_file_and_problem(tmp_path, change, message):
    path = write_contract(tmp_path, VALID.replace(*change))
    with pytest.raises(ContractError) as error:
        load_contracts(tmp_path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_duplicate_contract_names_are_rejected(tmp_path):
    write_contract(tmp_path, VALID)
    (tmp_path / "finance").mkdir()
    (tmp_path / "finance" / "things.yml").write_text(VALID.replace("sales", "finance"))
    with pytest.raises(ContractError, match="used by"):
        load_contracts(tmp_path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("system: crm", "system: crm; drop table x"), "system 'crm; drop table x' is not"),
        (("name: things", 'name: "Things"'), "name 'Things' is not a lower-case identifier"),
        (("{name: updated_at,", '{name: "updated at",'), "column name 'updated at' is not"),
        (("crm/things/*.csv", "../secrets/*.csv"), "must be a relative path inside"),
        (("crm/things/*.csv", "/etc/*.csv"), "must be a relative path inside"),
        (("format: csv", "format: csv\ntime_zone: Mars/Olympus"), "time_zone 'Mars/Olympus'"),
    ],
    ids=["system", "name", "column", "parent folder", "absolute", "time zone"],
)
def test_contract_names_paths_and_zones_are_validated(tmp_path, change, message):
    write_contract(tmp_path, VALID.replace(*change))
    with pytest.raises(ContractError, match=message):
        load_contracts(tmp_path)


def test_time_zone_and_null_texts_default_and_can_be_declared(tmp_path):
    write_contract(tmp_path, VALID)
    (default,) = load_contracts(tmp_path)
    assert (default.time_zone, default.null_values) == ("UTC", ("NULL",))

    declared = VALID + "time_zone: Europe/Paris\nnull_values: ['-', 'n/a']\n"
    write_contract(tmp_path / "declared", declared)
    (contract,) = load_contracts(tmp_path / "declared")
    assert (contract.time_zone, contract.null_values) == ("Europe/Paris", ("-", "n/a"))
