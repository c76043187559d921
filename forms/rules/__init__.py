"""Nithet's rule language, used for relevance, required-if, constraints and calculations.

The language is the XLSForm subset of ODK expressions (``${name}`` references, ``.`` for the
current value, ``and``/``or``/``not()``, ``div``/``mod``, hyphenated function names) plus a few
extras (``/``, ``coalesce``, ``minutes``, ``get`` for a key of an object answer, bare
``true``/``false``).  As in ODK, a date (``YYYY-MM-DD``) is a number of days since 1970-01-01 in
arithmetic (``today() - ${born}``) and ``date()`` turns days back into a date.  A rule compiled with
``choice=True`` is a choice filter (XLSForm ``choice_filter``): a bare name there is a column of the
choice being filtered (``province = ${province}``).  It is implemented twice, here
for server-side validation and in ``pwa/static/js/rules.js`` for the tablet; both run the vectors
in ``forms/vectors/rules.json`` and must agree on every one of them.

Numbers are IEEE doubles on both sides; :meth:`Rule.evaluate` turns an integer-valued result into
an ``int`` so that JSON round-trips look the same as in JavaScript.  Evaluation never raises on
data: anything that cannot be computed is ``None``.  ``regex()`` matches the *whole* string (like
a pattern wrapped in ``^(?:...)$``), with ASCII ``\\d``/``\\w``, as JavaScript does; keep patterns
to the common subset of Python ``re`` and JavaScript ``RegExp`` (JS runs without the ``u`` flag, so
``.`` and classes see a character beyond U+FFFF, such as an emoji, as two units).
"""

from __future__ import annotations

from forms.rules.compiled import Rule, compile_rule
from forms.rules.syntax import ARITY, RuleSyntaxError
from forms.rules.values import truthy

__all__ = ["ARITY", "Rule", "RuleSyntaxError", "compile_rule", "truthy"]
