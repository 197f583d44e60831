"""Source text for the complexity rules' examples: functions of a given shape, so that each
example states the metric it is about (`chain("route", 12)` has cyclomatic complexity 12)."""

from __future__ import annotations


def chain(name: str, complexity: int, indent: str = "") -> str:
    """A function dispatching on `kind` through an `if`/`elif` chain: complexity `complexity`, nesting 1."""
    lines = [f"{indent}def {name}(kind, value):"]
    for branch in range(complexity - 1):
        keyword = "if" if branch == 0 else "elif"
        lines += [f"{indent}    {keyword} kind == {branch}:", f"{indent}        return value + {branch}"]
    lines.append(f"{indent}    return value")
    return "\n".join(lines) + "\n"


def flat(name: str, length: int, indent: str = "") -> str:
    """A straight-line function of `length` lines: complexity 1, nesting 0."""
    body = [f"{indent}    settings['key_{n}'] = environ['KEY_{n}']" for n in range(length - 3)]
    return "\n".join([f"{indent}def {name}(environ):", f"{indent}    settings = {{}}", *body, f"{indent}    return settings"]) + "\n"


def nested(name: str, depth: int, indent: str = "") -> str:
    """A function whose innermost statement sits `depth` blocks deep (complexity `depth + 1`)."""
    lines = [f"{indent}def {name}(rows):"]
    for level in range(depth):
        lines.append(f"{indent}{'    ' * (level + 1)}for row{level} in rows:" if level % 2 == 0 else f"{indent}{'    ' * (level + 1)}if row{level - 1}:")
    lines.append(f"{indent}{'    ' * (depth + 1)}yield row0")
    return "\n".join(lines) + "\n"


def padded(name: str, complexity: int, length: int, indent: str = "") -> str:
    """`chain(name, complexity)` with straight-line statements in front, to `length` lines."""
    head, *rest = chain(name, complexity, indent).splitlines()
    padding = [f"{indent}    value = value + {n}" for n in range(length - 1 - len(rest))]
    return "\n".join([head, *padding, *rest]) + "\n"
