"""Staged code: the chain rule of one graph written out as straight-line Python.

CS231n teaches backprop as *staged computation*: the forward pass one intermediate per line,
then the backward pass one local gradient per line. ``codegen`` writes that code for any graph:

    >>> from autograd import Value, codegen
    >>> x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    >>> y = x * w + x; y.label = "y"
    >>> f = codegen(y, [x, w])
    >>> print(f.source)
    def forward_backward(x, w):
        # forward: one line per node, each after its operands
        mul1 = x * w              # ×
        y = mul1 + x              # +
        # backward: one line per edge, from y down: operand's grad += local derivative × node's grad
        y_grad = 1.0
        mul1_grad = 1.0 * y_grad  # d(a+b)/da = 1
        x_grad = 1.0 * y_grad     # d(a+b)/db = 1
        x_grad += w * mul1_grad   # d(a×b)/da = b
        w_grad = x * mul1_grad    # d(a×b)/db = a
        return y, [x_grad, w_grad]
    >>> f(2.0, -3.0)            # y = xw + x; dy/dx = w + 1, dy/dw = x
    (-4.0, [-2.0, 2.0])
    >>> f(1.0, 5.0)             # other inputs: the same expression, computed again there
    (6.0, [6.0, 1.0])

Every line comes from a template of this module's code table, one row per row of the rule
table (``autograd.rules``), filled in with names and numbers only: a label enters the code only
as a sanitised, unique identifier (``x 1`` -> ``x_1``, ``def`` -> ``def_``, ``α`` -> ``alpha``),
and the comments hold the table's formulas with every character that could end a line escaped.
Numbers are written with ``repr``, so they round-trip exactly; a leaf that is not among the
inputs is a constant and becomes such a literal (edges into constants get no backward line:
no gradient is wanted there). Kinks (relu, abs, leaky_relu) are branches in the code, decided
by the values the code is called with; domain errors and IEEE infinities are the engine's (a
fractional power goes through the small helpers ``power`` and ``ieee_power``, written into the
source when it needs them). The source runs with only ``math`` imported. An op of your own
(``define_op``) is called by reference, as ``ops.NAME.forward(u)`` and
``ops.NAME.local(u, out, None)``, from the namespace ``f.namespace``.

The exercise: ``print(f.exercise)`` is the source with its backward half left for you to write
(the rules it needs listed); ``f.check(your_function)`` grades what you wrote against ``f``.

``codegen(out, inputs, fast=True)`` writes the same numbers in fewer lines: each node's
gradient in one line (the sum of its terms), a "+" edge passing its gradient on by name
instead of multiplying by 1.0. It is what a training loop would run (``benchmarks/``).
"""

from __future__ import annotations

import builtins
import keyword
import math
import random
import re
import types
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from . import checks, rules
from .backward import forward_order, topological_order
from .engine import Value, _real_data, rule_of
from .gradcheck import GradcheckError

FUNCTION_NAME = "forward_backward"
# Names the generated code uses for itself: a label never becomes one of these.
RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins)) | {
    "math", "ops", "power", "ieee_power", FUNCTION_NAME}  # fmt: skip
LONGEST_NAME = 40  # characters of an identifier made from a label
COMMENT_COLUMN = 48  # comments start here, or after the code when it is longer
TERMS_PER_LINE = 50  # the folded backward sums at most this many terms in one line


class Code(NamedTuple):
    """One row of the code table: an op's forward value and local derivatives as Python templates.

    Fields: {u} the operand (unary), {a} {b} the operands (binary), {out} the op's result,
    {k} the op's constant. Each local is d out / d operand, as the rule table's ``local``.
    """

    forward: str
    locals: tuple[str, ...]


SIGN = "(1.0 if {u} > 0 else -1.0 if {u} < 0 else 0.0)"
SIGMOID = "(1.0 / (1.0 + math.exp(-{u})) if {u} >= 0 else math.exp({u}) / (1.0 + math.exp({u})))"
SQRT_LOCAL = "(0.5 / {out} if {out} else math.copysign(math.inf, {out}))"  # 1/(2 sqrt u): inf at 0
POWER_LOCAL_A = "(0.0 if {b} == 0 else {b} * ieee_power({a}, {b} - 1.0))"  # d(a^b)/da = b a^(b-1)
POWER_LOCAL_B = "({out} * math.log({a}) if {a} > 0 else 0.0 if {a} == 0 and {b} >= 0 else math.nan)"

# op -> its code; "**" with a number exponent is written by _power_code (it depends on the exponent).
UNARY_CODE: dict[str, Code] = {
    "neg": Code("-{u}", ("-1.0",)),
    "abs": Code("abs({u})", (SIGN,)),
    "exp": Code("math.exp({u})", ("{out}",)),
    "log": Code("math.log({u})", ("1.0 / {u}",)),
    "sqrt": Code("math.sqrt({u})", (SQRT_LOCAL,)),
    "tanh": Code("math.tanh({u})", ("(1.0 - {out} * {out})",)),
    "sigmoid": Code(SIGMOID, ("{out} * (1.0 - {out})",)),
    "relu": Code("0.0 if {u} < 0 else {u}", ("(0.0 if {u} <= 0 else 1.0)",)),
    "leaky_relu": Code("{u} if {u} > 0 else {k} * {u}", ("(1.0 if {u} > 0 else {k})",)),
    "sin": Code("math.sin({u})", ("math.cos({u})",)),
    "cos": Code("math.cos({u})", ("-math.sin({u})",)),
}
BINARY_CODE: dict[str, Code] = {
    "+": Code("{a} + {b}", ("1.0", "1.0")),
    "-": Code("{a} - {b}", ("1.0", "-1.0")),
    "*": Code("{a} * {b}", ("{b}", "{a}")),
    "/": Code("{a} / {b}", ("1.0 / {b}", "-{out} / {b}")),
    "**": Code("power({a}, {b})", (POWER_LOCAL_A, POWER_LOCAL_B)),
}
NARY_OPS = ("sum", "dot")  # written by _nary_code

POWER = '''\
def power(a, b):
    """a ** b as the engine's forward: a ValueError for 0 ** -1 or a negative base (-inf too) with a
    fractional exponent, an OverflowError past the float range."""
    if a == 0 and b < 0:
        raise ValueError(f"{a!r} ** {b!r}: zero cannot be raised to a negative power")
    if a < 0 and math.isfinite(b) and not b.is_integer():
        raise ValueError(f"{a!r} ** {b!r}: a negative base needs an integer exponent")
    return math.pow(a, b)
'''
IEEE_POWER = '''\
def ieee_power(u, n):
    """u ** n on the backward pass: inf at a pole (0 ** -1) or past the float range, never an error."""
    try:
        return math.pow(u, n)
    except (ValueError, OverflowError):
        odd = n.is_integer() and int(n) % 2 != 0
        return math.copysign(math.inf, u) if odd else math.inf
'''


def literal(number: float) -> str:
    """A float as Python that reads back to the same float: repr, math.inf, (-2.5) in parentheses."""
    if number != number:
        return "math.nan"
    text = repr(number) if math.isfinite(number) else "math.inf"
    return f"(-{text.lstrip('-')})" if math.copysign(1.0, number) < 0 else text


def one_line(text: str, limit: int = 200) -> str:
    """text for a comment: every character that is not printable (a newline, a line or paragraph
    separator, a control character) written as its escape, so the comment cannot end the line."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def identifier(label: str) -> str:
    """A label as a Python identifier made of ASCII letters, digits and _ ("" when nothing is left).

    Accents are dropped (é -> e), Greek letters spelled out (α -> alpha), anything else becomes _;
    no leading or trailing _ (so no dunder names), a leading digit gets v_, a reserved word a _.
    """
    parts = []
    for char in unicodedata.normalize("NFKD", label):
        if char.isascii() and (char.isalnum() or char == "_"):
            parts.append(char)
        elif unicodedata.combining(char):
            continue
        else:
            name = unicodedata.name(char, "").split()
            greek = name[:1] == ["GREEK"] and name[-1].isalpha()
            parts.append(f"_{name[-1].lower()}_" if greek else "_")  # α -> alpha
    text = "_".join(piece for piece in "".join(parts).split("_") if piece)[:LONGEST_NAME].strip("_")
    if text[:1].isdigit():
        text = "v_" + text
    return text + "_" if text in RESERVED else text


# --- the staged function: what codegen returns ---


class StagedCode:
    """The generated function: ``f(*input_values) -> (value, [d out / d input, ...])``.

    ``source`` is the Python text, ``function`` the compiled function itself (no argument checks:
    the fastest call), ``names`` its parameters, ``namespace`` what the source runs in, ``at`` the
    graph's own input values, and ``exercise`` the source with its backward half left for you to
    write (the rules it needs listed), to be graded by ``check``.
    """

    def __init__(self, source: str, namespace: dict[str, Any], names: list[str], at: list[float],
                 exercise: str = "") -> None:
        self.source = source
        self.exercise = exercise
        self.namespace = namespace
        self.names = names
        self.at = at  # the graph's own input values
        scope = dict(namespace)
        exec(compile(source, "<autograd.codegen>", "exec"), scope)  # the text of our own templates
        self.function: Callable[..., tuple[float, list[float]]] = scope[FUNCTION_NAME]

    def __call__(self, *values: Any) -> tuple[float, list[float]]:
        """(out's value, [d out / d input for each input]) at these input values (floats or ints)."""
        if len(values) != len(self.names):
            raise TypeError(f"{FUNCTION_NAME} takes {len(self.names)} input values "
                            f"({', '.join(self.names)}), got {len(values)}")
        if not set(map(type, values)) <= {float}:
            values = tuple(checks.real(value, f"{FUNCTION_NAME}'s input {name}")
                           for value, name in zip(values, self.names))
        return self.function(*values)

    def __repr__(self) -> str:
        lines = self.source.count("\n")
        return f"<staged code {FUNCTION_NAME}({', '.join(self.names)}): {lines} lines; print(f.source)>"

    def check(self, yours: Callable[..., Any], points: int = 5, rtol: float = 1e-9, seed: int = 0) -> bool:
        """True when your function gives the same value and gradients as this staged code, at the
        graph's own input values and at ``points`` others nearby (each input moved by up to ±1, seeded);
        else GradcheckError naming each input whose gradient differs, where, with both numbers.

        The exercise: copy ``f.source``, delete its backward half, write it yourself, check it here.
        """
        rng = random.Random(seed)
        wanted = [self.at] + [[x + rng.uniform(-1.0, 1.0) for x in self.at] for _ in range(points)]
        problems: list[str] = []
        for point in wanted:
            try:
                expected = self.function(*point)
            except (ValueError, ArithmeticError):
                continue  # outside the expression's domain: not a point to grade at
            try:
                got = yours(*point)
            except Exception as error:  # a name not assigned yet, a typo: say where, and go on
                where = ", ".join(f"{name}={x:.6g}" for name, x in zip(self.names, point))
                problems.append(f"  at {where}: your function raised {type(error).__name__}: {error}")
                continue
            problems += self._differences(got, expected, point, rtol)
        if problems:
            raise GradcheckError(f"your function differs from the staged code at {len(problems)} place(s):\n"
                                 + "\n".join(problems[:8]))
        return True

    def _differences(self, got: Any, expected: tuple[float, list[float]], point: list[float],
                     rtol: float) -> list[str]:
        """One line per number of yours (the value, each gradient) that differs from the expected one."""
        where = ", ".join(f"{name}={x:.6g}" for name, x in zip(self.names, point))
        try:
            value, grads = got
            pairs = [("the value", value, expected[0])] + [
                (f"d/d{name}", mine, theirs)
                for name, mine, theirs in zip(self.names, list(grads), expected[1], strict=True)]
        except (TypeError, ValueError):
            return [f"  at {where}: your function must return (value, [one gradient per input: "
                    f"{', '.join(self.names)}]), got {got!r:.80}"]
        return [f"  at {where}: {what} is {mine!r} in yours, {theirs!r} in the staged code"
                for what, mine, theirs in pairs if not _close(mine, theirs, rtol)]


def _close(mine: Any, theirs: float, rtol: float) -> bool:
    """Equal to rtol, relative to the larger one (nan equals nan, as the same answer)."""
    if not checks.is_real(mine):
        return False
    if mine != mine or theirs != theirs:
        return mine != mine and theirs != theirs
    return math.isclose(mine, theirs, rel_tol=rtol, abs_tol=1e-300)


# --- codegen ---


def codegen(out: Value, inputs: Sequence[Value], fast: bool = False) -> StagedCode:
    """Straight-line Python for out and its gradient with respect to inputs (the graph's leaves).

    f = codegen(out, [x, w, b]); f(2.0, -3.0, 6.88) -> (out's value, [d out/dx, d out/dw, d out/db])
    at those values; print(f.source) shows one line per forward node and one per backward edge.
    fast=True: the same numbers, one line per node's gradient, for training loops.
    """
    inputs = _check_inputs(out, inputs)
    writer = _Writer(out, inputs)
    header = f"def {FUNCTION_NAME}({', '.join(writer.names[n] for n in inputs)}):"
    forward = writer.forward_lines()
    exercise = "\n".join(_aligned(forward + writer.exercise_lines(), header))
    body = forward + (writer.folded_backward() if fast else writer.backward_lines())
    returned = ", ".join(writer.input_grad(node) for node in inputs)
    body.append(f"return {writer.code_of(out)}, [{returned}]")
    source = "\n".join(_aligned(body, header))
    for name, helper in (("ieee_power", IEEE_POWER), ("power", POWER)):  # only where the code calls it
        if re.search(rf"\b{name}\(", source):
            source = helper + "\n\n" + source
    namespace = {"math": math, "ops": types.SimpleNamespace(**writer.ops)} if writer.ops else {"math": math}
    names = [writer.names[n] for n in inputs]
    return StagedCode(source, namespace, names, [_number(n) for n in inputs], exercise)


def _check_inputs(out: Any, inputs: Any) -> list[Value]:
    if not isinstance(out, Value):
        raise TypeError(f"codegen takes a Value as out, got {type(out).__name__}")
    inputs = checks.sequence(inputs, "codegen's inputs")
    seen: set[Value] = set()
    for index, node in enumerate(inputs):
        if not isinstance(node, Value):
            raise TypeError(f"codegen's inputs must be Values; input {index} is {type(node).__name__}")
        if not node.is_leaf:
            raise ValueError(f"codegen's inputs must be leaves (Values you made, not results of an op); "
                             f"input {index} was made by {node.op!r}")
        if node in seen:
            raise ValueError(f"codegen's input {index} is given twice ({node!r})")
        seen.add(node)
    return inputs


def _number(node: Value) -> float:
    data = node.data
    return data if type(data) is float else _real_data(node)


def _aligned(body: list[tuple[str, str] | str], header: str) -> list[str]:
    """The function's lines, indented, each (code, comment) with its comment at one column."""
    pairs = [line if isinstance(line, tuple) else (line, "") for line in body]
    width = max([len(code) for code, comment in pairs if comment and len(code) < COMMENT_COLUMN] or [0])
    lines = [header]
    for code, comment in pairs:
        lines.append(f"    {code.ljust(width)}  # {comment}" if comment else f"    {code}")
    return lines


class _Writer:
    """Names every node of the graph, then writes its forward and backward lines from the code table."""

    def __init__(self, out: Value, inputs: list[Value]) -> None:
        self.out = out
        self.inputs = inputs
        self.order = forward_order(out)
        input_set = set(inputs)
        self.needs_grad: dict[Value, bool] = {}  # node -> some input is below it (its gradient is needed)
        for node in self.order:
            self.needs_grad[node] = node in input_set or any(self.needs_grad[p] for p in node.parents)
        self.names: dict[Value, str] = {}
        self.grad_names: dict[Value, str] = {}
        self.ops: dict[str, rules.Rule] = {}  # the namespace of ops defined with define_op
        self._given_grads: set[Value] = set()  # the nodes whose gradient variable has been assigned
        self._name_all()

    # --- names ---

    def _name_all(self) -> None:
        taken = set(RESERVED)
        counts: dict[str, int] = {}
        for node in self.inputs:
            label = identifier(node.label)
            self._name(node, label or "input", bool(label), taken, counts)  # input1, input2... unlabelled
        for node in self.order:
            if not node.is_leaf and node not in self.names:
                label = identifier(node.label)
                word = identifier(rules.word(rule_of(node), node.op)).rstrip("_") or "node"
                self._name(node, label or word, bool(label), taken, counts)

    def _name(self, node: Value, base: str, labelled: bool, taken: set[str], counts: dict[str, int]) -> None:
        """The first free name for node and its gradient: the label (then label_2...), or word1, word2..."""
        while True:
            counts[base] = counts.get(base, 0) + 1
            number = counts[base]
            name = (base if number == 1 else f"{base}_{number}") if labelled else f"{base}{number}"
            if name not in taken and f"{name}_grad" not in taken:
                break
        taken.update((name, f"{name}_grad"))
        self.names[node] = name
        self.grad_names[node] = f"{name}_grad"

    def code_of(self, node: Value) -> str:
        """A node in the code: its name, or for a constant (a leaf that is no input) its number."""
        name = self.names.get(node)
        return name if name is not None else literal(_number(node))

    def input_grad(self, node: Value) -> str:
        return self.grad_names[node] if node in self._given_grads else "0.0"

    # --- forward ---

    def forward_lines(self) -> list[tuple[str, str] | str]:
        lines: list[tuple[str, str] | str] = ["# forward: one line per node, each after its operands"]
        for node in self.order:
            if not node.is_leaf:
                lines.append((f"{self.names[node]} = {self._forward_code(node)}", self._symbol(node)))
        return lines if len(lines) > 1 else []

    def _symbol(self, node: Value) -> str:
        return one_line(rules.symbol(rule_of(node), node.op, node.constant))

    def _forward_code(self, node: Value) -> str:
        code = self._code_row(node)
        if code is not None:
            return code.forward.format(**self._fields(node))
        if type(node._first) is tuple:
            return self._nary_forward(node)
        operands = ", ".join(map(self.code_of, node.parents))  # an op of the user's: called by reference
        extra = "" if node._second is not None or node.constant is None else f", {literal(node.constant)}"
        return f"ops.{self._op_reference(node)}.forward({operands}{extra})"

    def _code_row(self, node: Value) -> Code | None:
        """The code table's row for node's op (None for an op of the user's, or an n-ary op)."""
        if type(node._first) is tuple:
            return None
        if node._second is not None:
            return BINARY_CODE.get(node.op)
        if node.op == "**":
            return self._power_code(node.constant)
        return UNARY_CODE.get(node.op)

    def _fields(self, node: Value) -> dict[str, str]:
        parents = node.parents
        fields = {"out": self.names[node], "k": literal(node.constant) if node.constant is not None else ""}
        if len(parents) == 1:
            fields["u"] = self.code_of(parents[0])
        else:
            fields["a"], fields["b"] = self.code_of(parents[0]), self.code_of(parents[1])
        return fields

    def _power_code(self, k: float) -> Code:
        """u ** k for a number k: u ** 3.0 for an exponent >= 0 that is a whole number, else math.pow
        or power (a ValueError, as the engine's, for 0 ** -1 or (-8) ** 0.5); d/du u^k = k u^(k-1)."""
        whole = float(k).is_integer()
        power = "{u} ** {k}" if k >= 0 and whole else "math.pow({u}, {k})" if whole else "power({u}, {k})"
        k_1 = k - 1
        if k == 0 or k == 1:
            local = literal(float(k))  # d/du u^0 = 0 (u^0 = 1 is constant, also at 0); d/du u = 1
        elif k_1 == 1:
            local = "{k} * {u}"
        elif k_1 > 0 and float(k_1).is_integer():
            local = "{k} * {u} ** " + literal(k_1)
        else:  # a negative or fractional power: a pole at u = 0 gives inf, as the engine's backward
            local = "{k} * ieee_power({u}, " + literal(k_1) + ")"
        return Code(power, (local,))

    def _nary_forward(self, node: Value) -> str:
        operands = list(map(self.code_of, node.parents))
        if node.op == "sum":
            return f"sum(({', '.join(operands)},))"
        if node.op == "dot":
            n = node.constant
            products = ", ".join(f"{w} * {x}" for w, x in zip(operands[:n], operands[n : 2 * n]))
            return f"sum(({products},))" + "".join(f" + {b}" for b in operands[2 * n :])
        raise ValueError(f"codegen cannot write the n-ary op {node.op!r}: it knows sum and dot")

    def _op_reference(self, node: Value) -> str:
        """The name of a define_op operation in the namespace ``ops`` (its row of the rule table)."""
        rule = rule_of(node)
        for name, known in self.ops.items():
            if known is rule:
                return name
        name = identifier(node.op) or "op"
        while name in self.ops:
            name += "_"
        self.ops[name] = rule
        return name

    # --- backward ---

    def exercise_lines(self) -> list[tuple[str, str] | str]:
        """The backward half left to the learner: what to write, the rules it needs, the return line."""
        out = self.names.get(self.out, "the output")
        formulas = list(dict.fromkeys(self._formula(node, slot) for node, slot, _ in self._edges()))
        wanted = ", ".join(self.grad_names[n] if self.needs_grad.get(n) else "0.0" for n in self.inputs)
        return ([f"# backward: your turn. One line per edge, from {out} down to the inputs:",
                 "#     operand's grad += local derivative × node's grad",
                 "# the rules you need:"] + [f"#     {formula}" for formula in formulas]
                + [f"return {self.code_of(self.out)}, [{wanted}]"])

    def local_code(self, node: Value, slot: int) -> str:
        """d node / d its operand number slot, as Python."""
        code = self._code_row(node)
        if code is not None:
            return code.locals[slot].format(**self._fields(node))
        operands = list(map(self.code_of, node.parents))
        if type(node._first) is tuple:
            if node.op == "sum":
                return "1.0"
            n = node.constant
            return operands[slot + n] if slot < n else operands[slot - n] if slot < 2 * n else "1.0"
        reference = f"ops.{self._op_reference(node)}.local"
        if node._second is None:
            k = "None" if node.constant is None else literal(node.constant)
            return f"{reference}({operands[0]}, {self.names[node]}, {k})"
        return f"{reference}({operands[0]}, {operands[1]}, {self.names[node]})[{slot}]"

    def _formula(self, node: Value, slot: int) -> str:
        rule = rule_of(node)
        try:
            return one_line(rules.formula(rule, slot, node.constant))
        except (KeyError, IndexError, ValueError):  # a formula of the user's with other {fields}
            return one_line(rule.formula[min(slot, len(rule.formula) - 1)])

    def _edges(self) -> list[tuple[Value, int, Value]]:
        """(node, slot, operand) for every edge backward takes, in its order, that leads to an input."""
        if not self.needs_grad[self.out]:
            return []
        return [(node, slot, parent) for node in reversed(topological_order(self.out))
                for slot, parent in enumerate(node.parents) if self.needs_grad[parent]]

    def backward_lines(self) -> list[tuple[str, str] | str]:
        """One line per edge: operand_grad += local * node_grad, as backward runs them."""
        self._given_grads = {self.out}
        if not self.needs_grad[self.out]:
            return []
        out = self.names.get(self.out, "out")
        lines: list[tuple[str, str] | str] = [
            f"# backward: one line per edge, from {out} down: "
            "operand's grad += local derivative × node's grad",
            f"{self.grad_names[self.out]} = 1.0"]
        for node, slot, parent in self._edges():
            assign = "+=" if parent in self._given_grads else "="
            self._given_grads.add(parent)
            contribution = f"{self.local_code(node, slot)} * {self.grad_names[node]}"
            lines.append((f"{self.grad_names[parent]} {assign} {contribution}", self._formula(node, slot)))
        return lines

    def folded_backward(self) -> list[tuple[str, str] | str]:
        """The same sums, one line per node: its gradient = the sum of its terms, written once it is
        complete; a term that is the gradient of a single consumer through a local 1.0 is just its name."""
        self._given_grads = {self.out}
        if not self.needs_grad[self.out]:
            return []
        terms: dict[Value, list[str]] = {}
        lines: list[tuple[str, str] | str] = ["# backward, folded: each node's gradient once it is complete",
                                              f"{self.grad_names[self.out]} = 1.0"]
        for node, slot, parent in self._edges():
            if node not in self._given_grads:
                self._given_grads.add(node)
                lines += self._sum_line(node, terms.pop(node))
            local = self.local_code(node, slot)
            upstream = self.grad_names[node]
            term = {"1.0": upstream, "-1.0": f"-{upstream}"}.get(local, f"{local} * {upstream}")
            terms.setdefault(parent, []).append(term)
        for node in self.inputs:
            if node in terms:
                self._given_grads.add(node)
                lines += self._sum_line(node, terms.pop(node))
        return lines

    def _sum_line(self, node: Value, terms: list[str]) -> list[str]:
        """grad = t1 + t2 + ..., in the order the terms came; a lone name is the gradient itself."""
        if len(terms) == 1 and terms[0].isidentifier():
            self.grad_names[node] = terms[0]
            return []
        name = self.grad_names[node]
        chunks = [terms[i : i + TERMS_PER_LINE] for i in range(0, len(terms), TERMS_PER_LINE)]
        return [f"{name} {'=' if i == 0 else '+='} {' + '.join(chunk)}" for i, chunk in enumerate(chunks)]

