"""Plausible wrong answers per chapter: ``chNN.WRONG_ANSWERS`` maps exercise id → answer cell source."""
