"""Each pass on small inputs, edits, and the size metrics."""

import ast

from core.minimize import passes as P
from core.minimize.edits import Edit, apply, measure, nested, normalize, render


def first(gen, src, **kw):
    tree = ast.parse(src)
    cands = gen(P.PassInput(tree=tree, **kw))
    return [render(apply(tree, c.edits)) for c in cands]


def test_apply_does_not_change_the_input_tree_and_splices_lists():
    tree = ast.parse("a = 1\nif x:\n    b = 2\n    c = 3\n")
    before = ast.dump(tree)
    new = apply(tree, [Edit((("body", 1),), list(tree.body[1].body)), Edit((("body", 0),), None)])
    assert ast.dump(tree) == before
    assert render(new) == "b = 2\nc = 3\n"


def test_emptied_bodies_get_pass_so_candidates_compile():
    tree = ast.parse("def f():\n    return 1\n")
    assert render(apply(tree, [Edit((("body", 0), ("body", 0)), None)])) == "def f():\n    pass\n"


def test_nested_edits_are_detected():
    assert nested([(("body", 1),), (("body", 1), ("body", 0))])
    assert not nested([(("body", 1),), (("body", 2),)])


def test_unused_definitions_removes_unread_names_at_once_first():
    out = first(P.unused_definitions, "import os\nimport sys\ndef helper():\n    pass\nx = 1\nprint(sys.argv, x)\n")
    assert out[0] == "import sys\nx = 1\nprint(sys.argv, x)\n"


def test_trace_slice_deletes_statements_never_executed():
    src = "def f():\n    return 1\ndef g():\n    return 2\nif False:\n    y = 3\nf()\n"
    out = first(P.trace_slice, src, executed=frozenset({1, 2, 3, 5, 7}))
    assert out == ["def f():\n    return 1\n\ndef g():\n    pass\nif False:\n    pass\nf()\n"]


def test_after_raise_drops_code_after_the_failing_statement():
    out = first(P.after_raise, "a = 1\nb = a / 0\nc = 2\nprint(c)\n", own_lines=(2,))
    assert out == ["a = 1\nb = a / 0\n"]


def test_setup_statements_and_prints_are_candidates():
    out = first(P.imports_and_setup, "import logging\nlogging.basicConfig()\nprint('x')\nz = 1\n")
    assert "z = 1\n" in out[0] and "print" not in out[0] and "basicConfig" not in out[0]


def test_shrink_model_drops_layers_and_uses_identity():
    src = "m = nn.Sequential(nn.Linear(2, 2), nn.ReLU())\n"
    out = first(P.shrink_model, src)
    assert "m = nn.Sequential(nn.ReLU())\n" in out
    assert "m = nn.Sequential(nn.Identity(), nn.ReLU())\n" in out


def test_tensor_sizes_replace_equal_literals_together():
    out = first(P.tensor_sizes, "x = torch.randn(64, 32)\nl = nn.Linear(32, 64)\n")
    assert out[0] == "x = torch.randn(1, 32)\nl = nn.Linear(32, 1)\n"


def test_device_and_dtype_go_to_cpu_float32():
    out = first(P.device_dtype, "x = torch.ones(2, device='cuda', dtype=torch.float16).cuda()\n")
    assert "x = torch.ones(2, device='cuda', dtype=torch.float16)\n" in out
    assert "x = torch.ones(2, device='cpu', dtype=torch.float16).cuda()\n" in out
    assert "x = torch.ones(2, device='cuda', dtype=torch.float32).cuda()\n" in out


def test_simplify_replaces_by_operands_and_drops_arguments():
    out = first(P.simplify, "y = f(a + b, k=1)\n")
    assert {"y = a + b\n", "y = f(a + b)\n", "y = f(a, k=1)\n", "y = f(k=1)\n"} <= set(out)


def test_control_flow_takes_one_branch_and_one_iteration():
    out = first(P.control_flow, "for i in range(10):\n    g(i)\nif c:\n    a()\nelse:\n    b()\n")
    assert "i = 0\ng(i)\nif c:\n    a()\nelse:\n    b()\n" in out
    assert "for i in range(10):\n    g(i)\na()\n" in out
    assert "for i in range(10):\n    g(i)\nb()\n" in out


def test_backends_step_towards_eager_and_no_compile():
    out = first(P.backends, "f = torch.compile(g, backend='inductor')\n")
    assert "f = torch.compile(g, backend='aot_eager')\n" in out
    assert "f = g\n" in out


def test_concretize_uses_recorded_literals():
    src = "n = len(xs) * 2\n"
    tree = ast.parse(src)
    key = P.value_key(tree.body[0].value)
    out = first(P.concretize, src, values={key: 8})
    assert out[0] == "n = 8\n"


def test_literals_keep_the_expected_substring():
    out = first(P.literals, "raise ValueError('bad config value here')\n", keep_substring="bad config")
    assert out == ["raise ValueError('bad config')\n"]


def test_measure_and_normalize():
    s = measure("import os\n\nx = os.sep  # c\n")
    assert (s.lines, s.nodes) == (2, 7)
    assert normalize("x=( 1 )") == "x = 1"


def test_the_expected_message_survives_sizes_and_paths_the_minimizer_changes():
    from core.minimize.oracle import Expectation

    want = Expectation("RuntimeError", "expected input[8, 1, 28, 28] to have 3 channels, but got 1 channels instead")
    assert want.judge("RuntimeError", "Given groups=1, weight of size [4, 3, 3, 3], expected input[1, 1, 2, 2] "
                      "to have 3 channels, but got 1 channels instead", None, None)
    assert not want.judge("RuntimeError", "expected input[1, 1, 2, 2] to have 2 channels, but got 1 channels instead",
                          None, None)
