"""Mutation check: each wrong version the review found (issue 13, section 3) must fail a test.

For each mutant: copy gradbook/ and tests/ to a temporary folder, apply one textual change to the
copy, check that the copy (not the editable install) is what gets imported, and run the tests
that should catch it. A mutant is "killed" when pytest fails. The unmutated copy runs first and
must pass, so a failure can only come from the mutation.

Run from the repository root: ``.venv/bin/python bench/mutants.py`` (under a minute);
``--full`` runs each mutant's whole test module instead of only the tests named as its killers;
``--extra`` adds the survivors of a later pass over boundaries and options (about a minute more).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str  # file inside the repository
    old: str  # must occur exactly once
    new: str
    killers: tuple[str, ...]  # pytest node ids expected to fail

    @property
    def modules(self) -> list[str]:
        return sorted({k.split("::")[0] for k in self.killers})


MUTANTS = (
    Mutant(
        "forward mode stops counting unary ops",
        "gradbook/autodiff/forward.py",
        "return self._new(value, slope * self.tangent)",
        "return Dual(value, slope * self.tangent)",
        (
            "tests/test_autodiff.py::test_each_unary_op_counts_once_in_each_mode",
            "tests/test_autodiff.py::test_op_counts_of_a_function_using_every_unary_op",
        ),
    ),
    Mutant(
        "reverse-mode relu'(0) = 1",
        "gradbook/autodiff/reverse.py",
        "step = 1.0 if _primal(self.data) > 0 else 0.0",
        "step = 1.0 if _primal(self.data) >= 0 else 0.0",
        ("tests/test_autodiff.py::test_relu_at_its_kink_has_derivative_zero_in_every_mode",),
    ),
    Mutant(
        "RNN Jacobian as W·diag(f') instead of diag(f')·W",
        "gradbook/networks.py",
        "jac = jac @ (slope[:, None] * W)",
        "jac = jac @ (W * slope[None, :])",
        ("tests/test_networks.py::test_tanh_rnn_jacobian_norms_against_the_explicit_product_and_finite_differences",),
    ),
    Mutant(
        "RMSProp with rho and 1 - rho swapped",
        "gradbook/optimizers.py",
        "sq = (1 - rho) * g * g if sq is None else dt.type(rho) * sq + dt.type(1 - rho) * g * g",
        "sq = rho * g * g if sq is None else dt.type(1 - rho) * sq + dt.type(rho) * g * g",
        ("tests/test_optimizers.py::test_rmsprop_first_steps_on_a_constant_gradient",),
    ),
    Mutant(
        "damping added to every entry of F",
        "gradbook/information.py",
        "np.linalg.solve(f + lam * np.eye(g.size), g)",
        "np.linalg.solve(f + lam, g)",
        (
            "tests/test_information.py::test_damping_is_added_to_the_diagonal",
            "tests/test_optimizers.py::test_positive_damping_adds_lambda_to_the_diagonal_only",
        ),
    ),
    Mutant(
        "Armijo condition with its sign flipped",
        "gradbook/newton_cg.py",
        "fx + 1e-4 * t * float(g @ p)",
        "fx - 1e-4 * t * float(g @ p)",
        ("tests/test_newton_cg.py::test_armijo_shortens_a_full_newton_step_that_does_not_decrease_f",),
    ),
    Mutant(
        "HVP counted once per Newton step",
        "gradbook/newton_cg.py",
        "calls += cg.iterations",
        "calls += 1",
        (
            "tests/test_newton_cg.py::test_hvp_count_is_one_per_cg_iteration",
            "tests/test_newton_cg.py::test_hvp_count_is_the_number_of_products_actually_computed",
        ),
    ),
    Mutant(
        "CG divides by exactly zero curvature",
        "gradbook/newton_cg.py",
        "if curvature <= 0:",
        "if curvature < 0:",
        ("tests/test_newton_cg.py::test_cg_stops_at_exactly_zero_curvature_without_dividing_by_it",),
    ),
)

# Survivors of a later pass over boundaries and options (run with --extra).
EXTRA_MUTANTS = (
    Mutant(
        "newton_cg ignores cg_iters",
        "gradbook/newton_cg.py",
        "max_iter=cg_iters)",
        "max_iter=None)",
        ("tests/test_newton_cg.py::test_cg_iters_truncates_each_newton_step",),
    ),
    Mutant(
        "CG allows 2n products by default",
        "gradbook/newton_cg.py",
        "max_iter = b.size if max_iter is None",
        "max_iter = 2 * b.size if max_iter is None",
        ("tests/test_newton_cg.py::test_cg_makes_at_most_n_products_by_default",),
    ),
    Mutant(
        "MLP activation_grad_norms of G, not of dL/dH",
        "gradbook/networks.py",
        "act_norms.insert(0, np.linalg.norm(grad_h))",
        "act_norms.insert(0, np.linalg.norm(G))",
        ("tests/test_networks.py::test_mlp_backprop_matches_finite_differences",),
    ),
    Mutant(
        "networks relu'(0) = 1",
        "gradbook/networks.py",
        "(a > 0).astype(float)",
        "(a >= 0).astype(float)",
        ("tests/test_networks.py::test_activation_derivatives_and_the_sigmoid_bound",),
    ),
    Mutant(
        "clipping a zero gradient divides by 0",
        "gradbook/networks.py",
        "if norm > 0 else 1.0",
        "if norm >= 0 else 1.0",
        ("tests/test_networks.py::test_clipping_a_zero_gradient_leaves_it_zero",),
    ),
    Mutant(
        "steps_to_reach excludes the threshold",
        "gradbook/optimizers.py",
        "self._distances(point) <= positive(tol",
        "self._distances(point) < positive(tol",
        ("tests/test_optimizers.py::test_trajectory_distances_at_exactly_the_threshold",),
    ),
    Mutant(
        "steps_to_leave includes the threshold",
        "gradbook/optimizers.py",
        "self._distances(point) > positive(radius",
        "self._distances(point) >= positive(radius",
        ("tests/test_optimizers.py::test_trajectory_distances_at_exactly_the_threshold",),
    ),
    Mutant(
        "an overflowing last gradient is not flagged",
        "gradbook/optimizers.py",
        "diverged or not np.all(np.isfinite(norms))",
        "diverged",
        ("tests/test_optimizers.py::test_a_gradient_that_overflows_at_the_last_iterate_marks_the_run_diverged",),
    ),
    Mutant(
        "sgd ignores clip_norm",
        "gradbook/optimizers.py",
        "g = clip_by_norm(g, clip_norm)[0].astype(dt)",
        "g = g",
        ("tests/test_optimizers.py::test_sgd_clips_each_minibatch_gradient",),
    ),
    Mutant(
        "HVP of a constant function is not 0",
        "gradbook/autodiff/reverse.py",
        "return np.zeros_like(x)",
        "return np.ones_like(x)",
        ("tests/test_autodiff.py::test_a_function_that_ignores_its_inputs_has_zero_derivatives",),
    ),
)


def copy_tree(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("gradbook", "tests"):
        shutil.copytree(ROOT / part, dest / part, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")


def run_tests(copy: Path, targets: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    where = subprocess.run(
        [sys.executable, "-c", "import gradbook; print(gradbook.__file__)"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(where).resolve().is_relative_to(copy.resolve()):
        sys.exit(f"the copy is not what gets imported: gradbook comes from {where}")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "-rf", *targets],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )


def failed_tests(output: str) -> list[str]:
    return sorted({line.split()[1] for line in output.splitlines() if line.startswith("FAILED ")})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="run each mutant's whole test module")
    parser.add_argument("--extra", action="store_true", help="also the boundary and option mutants")
    args = parser.parse_args(argv)
    mutants = MUTANTS + EXTRA_MUTANTS if args.extra else MUTANTS
    start, survivors = time.perf_counter(), []
    with tempfile.TemporaryDirectory(prefix="gradbook-mutants-") as tmp:
        base = Path(tmp) / "base"
        copy_tree(base)
        every = sorted({t for m in mutants for t in (m.modules if args.full else m.killers)})
        control = run_tests(base, every)
        if control.returncode != 0:
            print(control.stdout[-3000:])
            sys.exit("the unmutated code fails these tests: fix that first")
        print(f"unmutated: {len(every)} target(s) pass")
        for i, m in enumerate(mutants):
            copy = Path(tmp) / f"mutant{i}"
            copy_tree(copy)
            source = copy / m.path
            text = source.read_text()
            if text.count(m.old) != 1:
                sys.exit(f"{m.name}: {m.old!r} occurs {text.count(m.old)} times in {m.path}, expected once")
            source.write_text(text.replace(m.old, m.new))
            result = run_tests(copy, m.modules if args.full else list(m.killers))
            failed = failed_tests(result.stdout)
            killed = result.returncode != 0 and all(any(f.startswith(k) for f in failed) for k in m.killers)
            print(f"{'killed  ' if killed else 'SURVIVED'} {m.name}")
            for f in failed:
                print(f"           fails: {f}")
            if not killed:
                survivors.append(m.name)
                print(result.stdout[-2000:])
            shutil.rmtree(copy)
    print(f"{len(mutants) - len(survivors)}/{len(mutants)} killed in {time.perf_counter() - start:.0f} s")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
