"""The explorers' data: every setting of an explorer's controls, computed in Python for the notebook and the book."""
