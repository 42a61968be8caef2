"""Pictures: the only part of convlab that imports matplotlib or ipywidgets.

(IPython.display is imported here and by :mod:`convlab.exercises.checking`, whose one-line
result a notebook displays; the contracts in ``pyproject.toml`` keep it out of the core.)

One naming scheme across the modules:

* ``draw_*(ax_or_fig, ...)`` draws onto axes (or a figure) the caller gives;
* ``plot_*(...)`` makes a new figure, draws on it and returns it;
* ``*_widget(...)`` returns live ipywidgets (Jupyter, needs a kernel), built with
  :func:`convlab.viz.player.live_widget`;
* ``*_player(...)`` returns the kernel-free HTML player for the book, built with
  :func:`convlab.viz.player.html_player` (at most ``MAX_FRAMES`` frames).

Modules: :mod:`~convlab.viz.player` (the adapter), :mod:`~convlab.viz.grids` (the one grid
renderer), and one per topic: :mod:`~convlab.viz.layer_params`, :mod:`~convlab.viz.examples`,
:mod:`~convlab.viz.walkthrough`, :mod:`~convlab.viz.output_size`, :mod:`~convlab.viz.channels`,
:mod:`~convlab.viz.sharing`, :mod:`~convlab.viz.receptive`,
:mod:`~convlab.viz.gallery`, :mod:`~convlab.viz.pooling`; and :mod:`~convlab.viz.grid_explorer`, which
draws any explorer of :mod:`convlab.explorers` (its data drawn by the book's script too).
"""
