"""A small calculator language: tokenizer, Pratt parser, evaluator with variables and functions."""
import math
import operator
import re
import sys

TOKEN = re.compile(r"\s*(?:(\d+\.?\d*)|([A-Za-z_]\w*)|(\*\*|[-+*/(),=]))")
BINARY = {"+": (10, operator.add), "-": (10, operator.sub), "*": (20, operator.mul), "/": (20, operator.truediv), "**": (30, operator.pow)}
FUNCS = {"sqrt": math.sqrt, "log": math.log, "max": max, "min": min, "abs": abs}


class CalcError(Exception):
    pass


def tokenize(src):
    pos, out = 0, []
    src = src.rstrip()
    while pos < len(src):
        m = TOKEN.match(src, pos)
        if not m:
            raise CalcError(f"bad character at {pos}: {src[pos]!r}")
        num, name, op = m.groups()
        if num:
            out.append(("num", float(num)))
        elif name:
            out.append(("name", name))
        else:
            out.append(("op", op))
        pos = m.end()
    out.append(("end", None))
    return out


class Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self):
        return self.tokens[self.i]

    def next(self):
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, value):
        kind, v = self.next()
        if v != value:
            raise CalcError(f"expected {value!r}, got {v!r}")

    def expr(self, rbp=0):
        left = self.prefix()
        while True:
            kind, v = self.peek()
            if kind != "op" or v not in BINARY or BINARY[v][0] <= rbp:
                return left
            self.next()
            prec = BINARY[v][0] - (1 if v == "**" else 0)
            left = ("bin", v, left, self.expr(prec))

    def prefix(self):
        kind, v = self.next()
        if kind == "num":
            return ("num", v)
        if kind == "name":
            if self.peek() == ("op", "("):
                self.next()
                args = [self.expr()]
                while self.peek() == ("op", ","):
                    self.next()
                    args.append(self.expr())
                self.expect(")")
                return ("call", v, args)
            return ("var", v)
        if v == "-":
            return ("neg", self.expr(25))
        if v == "(":
            e = self.expr()
            self.expect(")")
            return e
        raise CalcError(f"unexpected {v!r}")


def evaluate(node, env):
    tag = node[0]
    if tag == "num":
        return node[1]
    if tag == "var":
        if node[1] not in env:
            raise CalcError(f"unknown variable {node[1]!r}")
        return env[node[1]]
    if tag == "neg":
        return -evaluate(node[1], env)
    if tag == "bin":
        return BINARY[node[1]][1](evaluate(node[2], env), evaluate(node[3], env))
    if tag == "call":
        return FUNCS[node[1]](*[evaluate(a, env) for a in node[2]])
    raise CalcError(f"bad node {tag}")


def run_line(line, env):
    toks = tokenize(line)
    if len(toks) > 2 and toks[0][0] == "name" and toks[1] == ("op", "="):
        value = evaluate(Parser(toks[2:]).expr(), env)
        env[toks[0][1]] = value
        return value
    return evaluate(Parser(toks).expr(), env)


PROGRAM = """
x = 3
y = x ** 2 + 1
z = max(x, y) / 2
w = sqrt(y) - log(z)
total = x + y + z + w
rate = total / (y - 10)
"""


def main():
    env = {"pi": math.pi}
    for line in PROGRAM.strip().splitlines():
        value = run_line(line, env)
        print(f"{line:<28} -> {value:.4f}")
    print(sorted(env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
