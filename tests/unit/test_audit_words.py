"""Every event code the services record has plain words for the Audit trail.

The codes are found by reading plan/ itself: each `event=` given to a call, followed through a
conditional or a local name. A code built at run time (an f-string, `+`) must be listed in
BUILT below with every value it can take, so a new one cannot slip through unworded.
"""

import ast
from pathlib import Path

from plan.audit import EVENT_WORDS, event_words

PLAN = Path(__file__).resolve().parents[2] / "plan"

# Codes made at run time: (file, the code's constant start) -> every code it can make.
BUILT = {
    ("due_dates.py", "due_date."): {"due_date.approved", "due_date.declined"},
    ("users.py", "action.delegate_"): {"action.delegate_add", "action.delegate_remove"},
}


def _codes(node: ast.AST, assignments: dict[str, list[ast.AST]], where: str) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _codes(node.body, assignments, where) | _codes(node.orelse, assignments, where)
    if isinstance(node, ast.Name) and node.id in assignments:
        return set().union(*(_codes(value, assignments, where) for value in assignments[node.id]))
    start = node.values[0] if isinstance(node, ast.JoinedStr) else node.left if isinstance(node, ast.BinOp) else None
    if isinstance(start, ast.Constant) and (where.partition(":")[0], start.value) in BUILT:
        return BUILT[(where.partition(":")[0], start.value)]
    raise AssertionError(f"{where}: an event code made at run time ({ast.unparse(node)}); list its values in BUILT")


def recorded_codes() -> set[str]:
    found: set[str] = set()
    for path in sorted(PLAN.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            if function.name == "record" and path.name == "audit.py":
                continue  # the recorder itself passes its argument on
            assignments: dict[str, list[ast.AST]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            assignments.setdefault(target.id, []).append(node.value)
            for node in ast.walk(function):
                if isinstance(node, ast.Call):
                    for keyword in node.keywords:
                        if keyword.arg == "event":
                            found |= _codes(keyword.value, assignments, f"{path.name}:{node.lineno}")
    return found


def test_the_scan_finds_the_codes_it_should() -> None:
    codes = recorded_codes()
    assert {"signin.success", "signin.failure", "action.update", "action.assign_owner", "due_date.declined",
            "user.role_change", "user.update", "audit.export"} <= codes


def test_every_recorded_event_code_has_words() -> None:
    missing = sorted(recorded_codes() - set(EVENT_WORDS))
    assert not missing, f"event codes with no words in plan.audit.EVENT_WORDS: {missing}"


def test_the_words_read_as_words() -> None:
    assert event_words("signin.success") == "Signed in"
    assert event_words("signin.failure") == "Sign-in failed"
    assert event_words("action.update") == "Action updated"
    assert event_words("action.assign_owner") == "Owner assigned"
    assert all("." not in words and words[0].isupper() for words in EVENT_WORDS.values())
