"""The exchanges recorded on real Aurora servers, kept in tests/contract/ (its README says how to replay them)."""
import json
from pathlib import Path

CONTRACT_DIR = Path(__file__).resolve().parent.parent / "contract"


def recorded_steps(name):
    """The steps of tests/contract/``name`` (e.g. "contract.json"), in the order they were recorded."""
    return json.loads((CONTRACT_DIR / name).read_text(encoding="utf-8"))
