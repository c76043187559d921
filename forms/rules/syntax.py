"""The rule language's syntax: the tokenizer, the tree and a recursive-descent parser with the XPath
operators' precedence, and the functions it knows with their number of arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final, TypeAlias


class RuleSyntaxError(ValueError):
    """A rule that cannot be compiled; ``position`` is the 0-based character (code point) offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at position {position})")
        self.message = message
        self.position = position


# --------------------------------------------------------------------------- tokens

_WS: Final = " \t\r\n\u00a0"
_NUMBER: Final = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z][A-Za-z0-9_]*)*")
_REF_NAME: Final = re.compile(r"[^ \t\r\n\u00a0{}$]+")
_OPERATORS: Final = ("<=", ">=", "!=", "=", "<", ">", "+", "-", "*", "/", "(", ")", ",")
_WORD_OPERATORS: Final = frozenset({"and", "or", "div", "mod"})


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # num | str | ref | dot | name | op | end
    text: str
    pos: int


def _tokenize(src: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch in _WS:
            i += 1
            continue
        m = _NUMBER.match(src, i)
        if m:
            tokens.append(_Token("num", m.group(), i))
            i = m.end()
        elif ch in "'\"":
            end = src.find(ch, i + 1)
            if end < 0:
                raise RuleSyntaxError("unterminated string", i)
            tokens.append(_Token("str", src[i + 1 : end], i))
            i = end + 1
        elif src.startswith("${", i):
            end = src.find("}", i + 2)
            if end < 0:
                raise RuleSyntaxError("unterminated reference", i)
            name = src[i + 2 : end]
            if not _REF_NAME.fullmatch(name):
                raise RuleSyntaxError("invalid reference name", i)
            tokens.append(_Token("ref", name, i))
            i = end + 1
        elif ch == ".":
            tokens.append(_Token("dot", ".", i))
            i += 1
        elif m := _NAME.match(src, i):
            word = m.group()
            tokens.append(_Token("op" if word in _WORD_OPERATORS else "name", word, i))
            i = m.end()
        else:
            op = next((o for o in _OPERATORS if src.startswith(o, i)), None)
            if op is None:
                raise RuleSyntaxError(f"unexpected character {ch!r}", i)
            tokens.append(_Token("op", op, i))
            i += len(op)
    tokens.append(_Token("end", "", n))
    return tokens


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True, slots=True)
class Lit:
    value: Any


@dataclass(frozen=True, slots=True)
class Ref:
    name: str


@dataclass(frozen=True, slots=True)
class Col:
    """A column of the choice being filtered (a bare name in a choice filter)."""

    name: str


@dataclass(frozen=True, slots=True)
class Cur:
    pass


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node


@dataclass(frozen=True, slots=True)
class Bin:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node: TypeAlias = Lit | Ref | Col | Cur | Neg | Bin | Call

# Binary operators, lowest precedence first; all are left-associative.
_LEVELS: Final = (
    frozenset({"or"}),
    frozenset({"and"}),
    frozenset({"=", "!="}),
    frozenset({"<", "<=", ">", ">="}),
    frozenset({"+", "-"}),
    frozenset({"*", "div", "/", "mod"}),
)

# name -> (minimum, maximum or None for "any number") of arguments
ARITY: Final[dict[str, tuple[int, int | None]]] = {
    "true": (0, 0),
    "false": (0, 0),
    "not": (1, 1),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "if": (3, 3),
    "string-length": (1, 1),
    "round": (1, 2),
    "int": (1, 1),
    "number": (1, 1),
    "concat": (0, None),
    "coalesce": (2, 2),
    "regex": (2, 2),
    "sum": (1, None),
    "count": (1, None),
    "mean": (1, None),
    "min": (1, None),
    "max": (1, None),
    "minutes": (2, 2),
    "today": (0, 0),
    "date": (1, 1),
    "get": (2, 2),
}


class Parser:
    def __init__(self, src: str, choice: bool = False) -> None:
        self.tokens = _tokenize(src)
        self.i = 0
        self.choice = choice

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> _Token:
        tok = self.take()
        if tok.kind != "op" or tok.text != text:
            raise _unexpected(tok, f"expected {text!r}")
        return tok

    def parse(self) -> Node:
        node = self.binary(0)
        tok = self.peek()
        if tok.kind != "end":
            raise _unexpected(tok)
        return node

    def binary(self, level: int) -> Node:
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek().kind == "op" and self.peek().text in _LEVELS[level]:
            op = self.take().text
            left = Bin(op, left, self.binary(level + 1))
        return left

    def unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.text == "-":
            self.take()
            return Neg(self.unary())
        return self.primary()

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return Lit(float(tok.text))
        if tok.kind == "str":
            return Lit(tok.text)
        if tok.kind == "ref":
            return Ref(tok.text)
        if tok.kind == "dot":
            return Cur()
        if tok.kind == "op" and tok.text == "(":
            node = self.binary(0)
            self.expect(")")
            return node
        if tok.kind == "name":
            nxt = self.peek()
            if nxt.kind == "op" and nxt.text == "(":
                return self.call(tok)
            if tok.text in ("true", "false"):
                return Lit(tok.text == "true")
            if self.choice:
                return Col(tok.text)
            raise RuleSyntaxError(f"unknown name {tok.text!r}", tok.pos)
        raise _unexpected(tok)

    def call(self, name: _Token) -> Node:
        if name.text not in ARITY:
            raise RuleSyntaxError(f"unknown function {name.text!r}", name.pos)
        self.expect("(")
        args: list[Node] = []
        if not (self.peek().kind == "op" and self.peek().text == ")"):
            args.append(self.binary(0))
            while self.peek().kind == "op" and self.peek().text == ",":
                self.take()
                args.append(self.binary(0))
        self.expect(")")
        lo, hi = ARITY[name.text]
        if len(args) < lo or (hi is not None and len(args) > hi):
            want = str(lo) if lo == hi else f"at least {lo}" if hi is None else f"{lo} to {hi}"
            raise RuleSyntaxError(f"{name.text}() takes {want} argument(s), got {len(args)}", name.pos)
        if name.text in ("true", "false"):
            return Lit(name.text == "true")
        return Call(name.text, tuple(args))


def _unexpected(tok: _Token, detail: str = "") -> RuleSyntaxError:
    what = "end of expression" if tok.kind == "end" else repr(tok.text)
    return RuleSyntaxError(f"unexpected {what}" + (f", {detail}" if detail else ""), tok.pos)
