"""``python -m autograd explain "EXPR" name=value ... [--frames DIR] [--html FILE]``.

Builds the graph of one expression, prints its forward values, then every step of
backward (node, parent, upstream, local, contribution, rule), then each input's
gradient. ``--frames DIR`` writes one picture per step; ``--html FILE`` writes one
self-contained page that steps through forward and backward (``autograd.explain``'s page;
``--quiz`` makes it ask for each local derivative and contribution). ``--name o`` calls the
output o (else it is named by its op, as tanh1), in the tables and in every picture.

The expression is parsed with Python's ``ast`` and checked against a whitelist:
numbers, variables, ``+ - * / **``, unary minus, parentheses and calls of the
engine's functions. It is never evaluated by Python; a small tree walk builds the
``Value`` graph. Anything else is refused with a one-line message and exit status 2.
"""

from __future__ import annotations

import ast
import math
import os
import sys
import unicodedata
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from autograd import rules
from autograd.engine import Value, rule_of
from autograd.text import shown

from .frames import NotOurFrames, write_frames
from .names import forward_order, node_names
from .steps import Step, backward_steps

USAGE = ('usage: python -m autograd explain "EXPR" name=value ... [--frames DIR] [--html FILE [--quiz]]'
         " [--format png|svg] [--name NAME] [--code] [--as-pytorch]")
# The functions an expression may call: the rule table's unary ops that are Value methods.
FUNCTIONS: dict[str, Callable[..., Value]] = {
    op: getattr(Value, op) for op in rules.UNARY if op.isidentifier() and callable(getattr(Value, op, None))
}
OPERATORS = {
    ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__", ast.Div: "__truediv__", ast.Pow: "__pow__"
}
MAX_LENGTH = 1000  # characters of expression
MAX_DEPTH = 200  # levels of nesting in the expression's tree
MAX_PICTURE_STEPS = 400  # --frames and --html draw one picture per step

# What the whitelist refuses, in words (the ast node types of Python's grammar).
REFUSED = {
    ast.Attribute: "attribute access (a.b)", ast.Subscript: "subscripts (a[i])", ast.Lambda: "lambda",
    ast.ListComp: "comprehensions", ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions", ast.Compare: "comparisons", ast.BoolOp: "and/or",
    ast.IfExp: "conditional expressions (a if c else b)", ast.NamedExpr: "assignment (:=)",
    ast.JoinedStr: "strings", ast.List: "lists", ast.Tuple: "tuples (a, b)", ast.Dict: "dicts",
    ast.Set: "sets", ast.Starred: "starred arguments (*a)", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield", ast.Slice: "slices",
}  # fmt: skip


class ExplainError(Exception):
    """A problem with what the user typed: reported in one line, exit status 2."""


# --- the expression language ---


def parse_expression(text: str) -> ast.Expression:
    """The checked syntax tree of text; ExplainError naming what is not allowed."""
    if len(text) > MAX_LENGTH:
        raise ExplainError(f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    if not text.strip():
        raise ExplainError("the expression is empty")
    if "#" in text:  # Python would drop the rest of the line unseen
        raise ExplainError("comments (#) are not allowed in the expression")
    try:
        tree = _parse(text, "eval")
    except (SyntaxError, ValueError) as error:
        raise ExplainError(_why_not_an_expression(text, error)) from None
    except (RecursionError, MemoryError):
        raise ExplainError("the expression is nested too deeply") from None
    _check(tree)
    return tree


def _parse(text: str, mode: str) -> ast.AST:
    """ast.parse without its SyntaxWarnings ("invalid decimal literal" for 0is): we say what is wrong."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, mode=mode)


def _why_not_an_expression(text: str, error: Exception) -> str:
    """Name the statement when text is one (import os, x = 1, a; b), else say where the syntax breaks."""
    message = getattr(error, "msg", str(error))
    offset = getattr(error, "offset", None)
    syntax = f"not a valid expression: {message}" + (f" (at character {offset})" if offset else "")
    try:
        module = _parse(text, "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return syntax
    if len(module.body) > 1:
        return "only one expression is allowed: ';' and several statements are not"
    if not module.body or isinstance(module.body[0], ast.Expr):
        return syntax
    return f"only an expression is allowed, not a statement ({type(module.body[0]).__name__})"


def _check(tree: ast.Expression) -> None:
    """Walk the tree (iteratively) and refuse every node outside the whitelist, and deep nesting."""
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExplainError(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)")
        _check_node(node)
        children = [node.left, node.right] if isinstance(node, ast.BinOp) else []
        if isinstance(node, ast.UnaryOp):
            children = [node.operand]
        elif isinstance(node, ast.Call):
            children = list(node.args)
        stack.extend((child, depth + 1) for child in children)


def _check_node(node: ast.AST) -> None:
    if isinstance(node, ast.BinOp):
        if type(node.op) not in OPERATORS:
            raise ExplainError(f"not allowed: the operator {_source_of(node.op)}. Use + - * / **")
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise ExplainError(f"not allowed: the operator {_source_of(node.op)}. Only unary minus is")
    elif isinstance(node, ast.Constant):
        if type(node.value) not in (int, float):
            raise ExplainError(f"not allowed: {_kind_of_constant(node.value)}. Only numbers are")
    elif isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise ExplainError(f"{node.id} is a function: call it, as in {node.id}(x)")
    elif isinstance(node, ast.Call):
        _check_call(node)
    else:
        what = REFUSED.get(type(node), type(node).__name__)
        raise ExplainError(f"not allowed: {what}. Allowed: numbers, variables, + - * / **, (), "
                           f"{_function_list()}")


def _check_call(node: ast.Call) -> None:
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in FUNCTIONS:
        called = name if name else "anything but a function name"
        raise ExplainError(f"not allowed: calling {called}. The functions are {_function_list()}")
    if node.keywords:
        raise ExplainError(f"keyword arguments are not allowed: write {name}(x)")
    most = 2 if name == "leaky_relu" else 1
    if not 1 <= len(node.args) <= most:
        raise ExplainError(f"{name} takes {'1 or 2 arguments (x, slope)' if most == 2 else 'one argument'}, "
                           f"got {len(node.args)}")
    if len(node.args) == 2 and _literal(node.args[1]) is None:
        raise ExplainError("leaky_relu's slope must be a number, as in leaky_relu(x, 0.1)")


def _function_list() -> str:
    return " ".join(f"{name}()" for name in FUNCTIONS)


def _kind_of_constant(value: Any) -> str:
    kinds = {str: "strings", bytes: "bytes", bool: "True and False", complex: "complex numbers",
             type(None): "None", type(...): "..."}  # fmt: skip
    return kinds.get(type(value), f"{type(value).__name__} constants")


def _source_of(op: ast.AST) -> str:
    symbols = {"Mod": "%", "FloorDiv": "//", "MatMult": "@", "LShift": "<<", "RShift": ">>", "BitOr": "|",
               "BitXor": "^", "BitAnd": "&", "Invert": "~", "Not": "not"}  # fmt: skip
    return symbols.get(type(op).__name__, type(op).__name__)


def _literal(node: ast.AST) -> float | None:
    """The number a literal (or a negated literal) stands for; None for anything else."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _literal(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        try:
            number = float(node.value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise ExplainError("a number in the expression is too large for a float")
        return number
    return None


def build(tree: ast.Expression, variables: dict[str, Value]) -> Value:
    """The Value graph of a checked tree: numbers become constant leaves, names the given variables."""
    return _build(tree.body, variables)


def _build(node: ast.AST, variables: dict[str, Value]) -> Value:
    number = _literal(node)
    if number is not None:
        return Value(number)
    if isinstance(node, ast.Name):
        return variables[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand, variables)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        argument = _build(node.args[0], variables)
        if len(node.args) == 2:
            return argument.leaky_relu(_literal(node.args[1]))
        return FUNCTIONS[node.func.id](argument)
    left = _build(node.left, variables)
    exponent = _literal(node.right) if isinstance(node.op, ast.Pow) else None
    right = exponent if exponent is not None else _build(node.right, variables)  # x**3 keeps 3 on the node
    return getattr(left, OPERATORS[type(node.op)])(right)


def names_in(tree: ast.Expression) -> list[str]:
    """The variable names of the expression, in order of first appearance."""
    functions = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    variables = [node for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in functions]
    variables.sort(key=lambda node: node.col_offset)
    return list(dict.fromkeys(node.id for node in variables))


def parse_variables(assignments: list[str], needed: list[str]) -> dict[str, Value]:
    """name=value arguments as labelled leaves; every needed name given once, with a finite number."""
    values: dict[str, Value] = {}
    for assignment in assignments:
        name, equals, text = assignment.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())  # as Python reads the expression: ｘ is x
        if not equals and name in needed:
            raise ExplainError(f"{name} has no value: write {name}=NUMBER")
        if not equals or not name.isidentifier():
            raise ExplainError(f"{assignment!r}: give variables as name=number, as in x=2")
        if name in values:
            raise ExplainError(f"{name} is given twice")
        if name not in needed:
            print(printable(f"note: {name} is not in the expression; ignoring {name}={text}"),
                  file=sys.stderr)
            continue
        try:
            number = float(text)
        except ValueError:
            raise ExplainError(f"{name}={text}: {text!r} is not a number") from None
        if not math.isfinite(number):
            raise ExplainError(f"{name}={text}: give a finite number")
        values[name] = Value(number, label=name)
    missing = [name for name in needed if name not in values]
    if missing:
        raise ExplainError(f"no value for {', '.join(missing)}: "
                           f"add {' '.join(m + '=NUMBER' for m in missing)}")
    return values


def name_output(output: Value, name: str, variables: dict[str, Value]) -> None:
    """--name: label the output, a new identifier that is not one of the variables."""
    name = unicodedata.normalize("NFKC", name)
    if not name.isidentifier():
        raise ExplainError(f"--name {printable(name[:40])!r}: give a name such as o or loss")
    if name in variables or output.is_leaf:
        raise ExplainError(f"--name {name}: that is a variable of the expression; "
                           "the output needs a name of its own")
    output.label = name


# --- the printed explanation ---


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Rows of text in aligned columns, under a header line."""
    widths = [max(len(row[column]) for row in [headers, *rows]) for column in range(len(headers))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in [headers, *rows]]  # fmt: skip
    return "\n".join("  " + line for line in lines)


def forward_rows(output: Value, names: dict[Value, str]) -> list[list[str]]:
    rows = []
    for node in forward_order(output):
        if node.is_leaf:
            kind = "input" if node.label else "constant"
        else:
            kind = rules.symbol(rule_of(node), node.op, node.constant)
        operands = ", ".join(names[parent] for parent in node.parents)
        mark = "<- output" if node is output else ""
        rows.append([names[node], kind, operands, shown(node.data), mark])
    return rows


def step_rows(steps: list[Step]) -> list[list[str]]:
    return [[str(s.number), s.node_name, s.parent_name, shown(s.upstream), shown(s.local),
             shown(s.contribution), s.named_rule] for s in steps]  # fmt: skip


def explanation(text: str, output: Value, variables: dict[str, Value], steps: list[Step]) -> str:
    names = node_names(output)
    out = names[output]
    parts = [f"expression: {printable(text)}", "", "forward (each value after its operands):",
             table(["node", "op", "operands", "value", ""], forward_rows(output, names)), "",
             f"backward (the chain rule, one edge at a time, from {out} back to the inputs; "
             f"d{out}/d{out} = 1):"]  # fmt: skip
    if steps:
        parts.append(table(["step", "node", "parent", "upstream", "local", "contribution", "rule"],
                           step_rows(steps)))
        parts.append("  (parent.grad += upstream × local = contribution; upstream = d" + out + "/d(node))")
    else:
        parts.append("  no steps: the output is a leaf")
    parts += ["", "gradients (from backward()):"]
    width = max((len(name) for name in variables), default=0)
    parts += [f"  d{out}/d{name.ljust(width)} = {name}.grad = {shown(value.grad)}"
              for name, value in variables.items()] or ["  no variables"]  # fmt: skip
    return "\n".join(parts)


# --- the command line ---

# What a terminal that cannot show the tables' few non-ASCII signs gets instead.
ASCII = str.maketrans({"×": "*", "·": ".", "Σ": "sum ", "²": "^2", "…": "...", "\ufffd": "?"})


def printable(text: str) -> str:
    """User text safe to echo: control and format characters (terminal escapes, a right-to-left
    override) shown as \\x1b, \\u202e, never sent raw."""
    return "".join(c if unicodedata.category(c) not in ("Cc", "Cf", "Cs") or c == "\n" else
                   repr(c)[1:-1] for c in text)  # fmt: skip


def say(text: str, stream: Any = None) -> None:
    """Print text; on a terminal whose encoding cannot show × (PYTHONIOENCODING=ascii), in ASCII (*)."""
    stream = sys.stdout if stream is None else stream
    try:
        print(text, file=stream)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        print(text.translate(ASCII).encode(encoding, "backslashreplace").decode(encoding), file=stream)


def parse_arguments(argv: list[str]) -> dict[str, Any]:
    """explain's arguments: the first non-option is EXPR (even "-x*2"), then name=value pairs."""
    if argv[0] in ("-h", "--help"):
        return {"help": True}
    if argv[0] != "explain":
        raise ExplainError(f"unknown command {argv[0][:40]!r}; the command is explain")
    options: dict[str, Any] = {"help": False, "expression": None, "assignments": [], "frames": None,
                               "html": None, "format": "png", "name": None, "quiz": False}
    words = iter(argv[1:])
    for word in words:
        option, equals, inline = word.partition("=")
        if option in ("--frames", "--html", "--format", "--name"):
            value = inline if equals else next(words, None)
            if not value:
                raise ExplainError(f"{option} needs a value")
            options[option[2:]] = value
        elif word in ("-h", "--help"):
            return {"help": True}
        elif word == "--code":  # also print the staged code (autograd.codegen)
            options["code"] = True
        elif word == "--quiz":
            options["quiz"] = True
        elif word == "--as-pytorch":  # print the same expression as runnable PyTorch code instead
            options["as_pytorch"] = True
        elif options["expression"] is None:  # the expression may start with '-' or even '--'
            options["expression"] = word
        elif word.startswith("--"):
            raise ExplainError(f"unknown option {word[:40]}")
        else:
            options["assignments"].append(word)
    if options["expression"] is None:
        raise ExplainError('give an expression, as in: python -m autograd explain "x*y" x=2 y=3')
    if options["quiz"] and not options["html"]:
        raise ExplainError("--quiz is a page: give it with --html FILE")
    if options["format"] not in ("png", "svg"):
        raise ExplainError(f"--format takes png or svg, not {options['format'][:20]!r}")
    return options


def explain(options: dict[str, Any]) -> int:
    """Build, explain, and write the pictures; ExplainError for what the user must fix."""
    tree = parse_expression(options["expression"])
    variables = parse_variables(options["assignments"], names_in(tree))
    try:
        output = build(tree, variables)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise ExplainError(f"cannot compute the expression: {error}") from None
    if options["name"] is not None:
        name_output(output, options["name"], variables)
    if options.get("as_pytorch"):
        from .pytorch_source import to_pytorch_source

        print(to_pytorch_source(output, list(variables.values())))
        return 0
    steps = backward_steps(output)
    if (options["frames"] or options["html"]) and len(steps) > MAX_PICTURE_STEPS:
        raise ExplainError(f"{len(steps)} steps are too many for pictures (the limit is {MAX_PICTURE_STEPS})")
    output.backward()
    say(explanation(options["expression"], output, variables, steps))
    if options.get("code"):
        from autograd.codegen import codegen

        staged = codegen(output, list(variables.values()))
        say(f"\nstaged code (forward, then backward, one edge a line):\n{staged.source}")
    if options["frames"]:
        try:
            written = write_frames(output, steps, Path(options["frames"]), options["format"])
        except NotOurFrames as error:
            raise ExplainError(str(error)) from None
        say(f"\nwrote {len(written)} pictures to {options['frames']} "
            f"({written[0].name} ... {written[-1].name})")
    if options["html"]:
        from .explain import explain as step_through

        step_through(output, options["quiz"], title=options["expression"]).save(options["html"])
        say(f"\nwrote {options['html']}: open it in a browser and step with the arrow keys")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; 0 on success, 2 for a problem with the input, 1 when writing fails."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        return _run(argv)
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:
        say(printable(f"error: cannot write: {error}"), sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the promise: no input ever prints a traceback
        if type(error).__name__ == "ExecutableNotFound":  # graphviz found no dot program
            print("error: cannot draw: no dot program (install Graphviz, or graphviz-pure with pip)",
                  file=sys.stderr)
            return 1
        say(printable(f"error: internal error, please report it: {type(error).__name__}: {error}"),
            sys.stderr)
        return 1


def _run(argv: list[str]) -> int:
    if not argv:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        options = parse_arguments(argv)
        if options["help"]:
            say(USAGE + "\n\n" + __doc__.split("\n\n", 1)[1].strip())
            return 0
        return explain(options)
    except ExplainError as error:
        say(printable(f"error: {error}"), sys.stderr)
        return 2
    except RecursionError:
        print("error: the expression is nested too deeply", file=sys.stderr)
        return 2
