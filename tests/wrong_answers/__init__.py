"""Plausible wrong answers per chapter, in ``tests/wrong_answers/chNN.py``.

``WRONG_ANSWERS`` maps an exercise id to an answer cell's source, or to a list of them, each
either a source or a ``(source, diagnosis)`` pair: ``diagnosis`` is a piece of the feedback the
check must give for that mistake. ``RULE_BREAKERS`` (optional) maps an exercise id to answers
that break the exercise's stated rule ("don't call F.conv2d"); the check must fail them and say
"rule broken".
"""
