"""The deterministic demo company: a simulated B2B software business and its extract drops."""

from sources.demo.generate import GenerationReport, generate
from sources.demo.scenario import PlantedAdResponse, PlantedPurchase, RepHabit, Scenario

__all__ = [
    "GenerationReport",
    "PlantedAdResponse",
    "PlantedPurchase",
    "RepHabit",
    "Scenario",
    "generate",
]
