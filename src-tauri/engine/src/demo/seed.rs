//! The files of the demo repository: a tiny Python "todo" app with a README, a TODO list and one
//! failing test, so the first thing a demo agent is asked to do ("fix the failing test") is real.

/// `(path relative to the repository, content)` of every file in the initial commit.
pub(crate) const SEED_FILES: &[(&str, &str)] = &[
    ("README.md", README),
    ("TODO.md", TODO),
    ("todo.py", TODO_PY),
    ("test_todo.py", TEST_TODO_PY),
    (".gitignore", GITIGNORE),
];

/// Subject of the initial commit.
pub(crate) const SEED_COMMIT_MESSAGE: &str = "Initial commit: a tiny todo app";

const README: &str = "\
# todo

A tiny command-line todo list, used by Grove's demo.

    python3 todo.py add \"water the plants\"
    python3 todo.py list

Run the tests with `python3 -m unittest`.
";

const TODO: &str = "\
# TODO

- [ ] Fix the failing test for an empty list
- [ ] Add a `done` command
- [ ] Save the list to a file

## Done
";

const TODO_PY: &str = r#"# A tiny todo list.

import sys


def add(items, text):
    """Returns a new list with `text` appended."""
    return items + [text]


def render(items):
    """One numbered line per item."""
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))


if __name__ == "__main__":
    items = add([], " ".join(sys.argv[2:])) if sys.argv[1:2] == ["add"] else []
    print(render(items))
"#;

const TEST_TODO_PY: &str = r#"import unittest

from todo import add, render


class TodoTest(unittest.TestCase):
    def test_add_appends(self):
        self.assertEqual(add(["a"], "b"), ["a", "b"])

    def test_render_numbers_items(self):
        self.assertEqual(render(["a", "b"]), "1. a\n2. b")

    def test_render_empty_list(self):
        # Fails: render returns "" for an empty list.
        self.assertEqual(render([]), "Nothing to do.")


if __name__ == "__main__":
    unittest.main()
"#;

const GITIGNORE: &str = "__pycache__/\n";
