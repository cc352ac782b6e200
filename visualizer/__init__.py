"""Pictures of state machines and their executions, all drawn from one neutral model.

- ``styles``   the status table (colour, icon, label) shared by Graphviz, rich and CSS
- ``colours``  CIELAB / CIEDE2000 and colour-vision-deficiency simulation, for the palette check
- ``status``   ``derive(history events, machine)`` -> per-state status, attempts, durations, counts
- ``model``    ``build(machine, view)`` -> ``Diagram`` of nodes, clusters and edges
- ``dot``      ``to_dot(diagram)`` and ``render(dot_text, "svg"|"png"|"dot")`` through Graphviz
- ``terminal`` the rich frame of ``sfn watch``; ``cli`` the ``sfn render`` / ``sfn watch`` commands

The operator dashboard (issue 6) will reuse ``model``, ``status`` and ``styles.css()``.
"""
