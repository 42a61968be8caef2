"""The checks of each chapter's graded exercises: ``chNN.py`` registers chapter NN's."""
