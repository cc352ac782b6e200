"""Graphviz rendering of definitions and executions, and the operator dashboard (issue 6)."""
