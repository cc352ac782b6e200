"""The expression layer: JSONPath (``jsonpath``), intrinsic functions (``intrinsics``),
JSONata (``jsonata``) and compiled payload / JSONata templates (``templates``).

Everything parses once at load time and evaluates through precompiled closures. Syntax problems
raise ``workflow.errors.ExpressionSyntaxError``; run-time failures raise
``workflow.errors.StatesError`` with AWS's error names.
"""
