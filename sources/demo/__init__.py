"""The deterministic demo company: a simulated B2B software business and its extract drops."""

from sources.demo.generate import GenerationReport, generate
from sources.demo.scenario import PlantedPurchase, RepHabit, Scenario

__all__ = ["GenerationReport", "PlantedPurchase", "RepHabit", "Scenario", "generate"]
