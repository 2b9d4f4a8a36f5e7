#!/usr/bin/env python3
"""Run the cases of `cargo run --release --example perf_report` with PyTorch and JAX.

Measures, for each shape, the fastest of several runs (after a warm-up) of:
  * the forward thin SVD;
  * the gradient of sum(U) with respect to X (forward included), as in ../../shared/peers;
  * the gradient of sum(s) (forward included).

Then, for each linear-algebra rule, the gradient (forward included) of the sum of all entries of
every output, with respect to every input (`RULES` below, the same cases as perf_report's "linalg
rules" table): at 500×500, and at 20000×10 for qr and pinv.

With `--tape`, the tape's programs (`PROGRAMS`, perf_report's "tape" table): time, and the peak
resident memory one warm gradient adds, measured in a fresh process.

And the elementary rules (`OPS`, perf_report's "ops" table; `--ops` runs it alone): forward and
pullback of a cotangent of ones, with every input's cotangent; JAX under `jit`, returning the value
too so that the forward pass is not removed as dead code.

Install the peers with `pip install torch jax` (CPU builds are enough). A framework that is not
installed is skipped with a message; with neither installed the script prints how to install them
and exits successfully. Usage: `python3 bench/peers/run_peers.py [--runs N] [--ops | --tape | --forward | --linalg]`
(`--forward`: the linalg rules' forward mode, perf_report's `--forward` table; `--linalg`: the
linalg rules' gradient table alone).
"""

import argparse
import sys
import time

SHAPES = [(20000, 10), (200000, 10), (10, 20000), (500, 500), (2000, 200)]


def best(f, runs):
    f()  # warm-up (and compilation, for JAX)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times) * 1e3


def run_torch(runs):
    import torch

    rows = []
    for m, n in SHAPES:
        x = torch.rand(m, n, dtype=torch.float64) * 2 - 1

        def fwd():
            torch.linalg.svd(x, full_matrices=False)

        def grad_u():
            xr = x.clone().requires_grad_(True)
            u, s, vh = torch.linalg.svd(xr, full_matrices=False)
            u.sum().backward()

        def grad_s():
            xr = x.clone().requires_grad_(True)
            torch.linalg.svdvals(xr).sum().backward()

        rows.append(("torch", m, n, best(fwd, runs), best(grad_u, runs), best(grad_s, runs)))
    return rows


def run_jax(runs):
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    rows = []
    for m, n in SHAPES:
        x = jax.random.uniform(jax.random.PRNGKey(0), (m, n), dtype=jnp.float64) * 2 - 1
        fwd = jax.jit(lambda a: jnp.linalg.svd(a, full_matrices=False))
        gu = jax.jit(jax.grad(lambda a: jnp.linalg.svd(a, full_matrices=False)[0].sum()))
        gs = jax.jit(jax.grad(lambda a: jnp.linalg.svd(a, compute_uv=False).sum()))
        try:
            t_s = best(lambda: gs(x).block_until_ready(), runs)
        except Exception as e:  # JAX's singular-values-only gradient may ask for an m×m U
            print(f"  jax grad sum(s) {m}x{n} failed: {type(e).__name__}", file=sys.stderr)
            t_s = float("nan")
        rows.append(
            (
                "jax",
                m,
                n,
                best(lambda: [t.block_until_ready() for t in fwd(x)], runs),
                best(lambda: gu(x).block_until_ready(), runs),
                t_s,
            )
        )
    return rows


# (rule, shape): the cases of perf_report's linalg table.
RULES = [
    ("eigh", (500, 500)),
    ("eigvalsh", (500, 500)),
    ("cholesky", (500, 500)),
    ("qr", (500, 500)),
    ("qr", (20000, 10)),
    ("solve", (500, 500)),
    ("inv", (500, 500)),
    ("det", (500, 500)),
    ("slogdet", (500, 500)),
    ("pinv", (500, 500)),
    ("pinv", (20000, 10)),
    ("svdvals_complex", (500, 500)),
    ("lu", (500, 500)),
    ("lu", (20000, 10)),
    ("solve_triangular", (500, 500)),
    ("lstsq", (500, 500)),
    ("lstsq", (20000, 10)),
    ("matrix_exp", (500, 500)),
    ("eig", (500, 500)),
    ("eigvals", (500, 500)),
    ("norm_nuclear", (500, 500)),
    ("norm_nuclear", (20000, 10)),
    ("norm_spectral", (500, 500)),
]

# (rule, shape): the cases of perf_report's forward-mode table (`--forward`), value and jvp of
# one random tangent per input.
FORWARD = [
    ("svd", (500, 500)),
    ("svd", (20000, 10)),
    ("svd", (10, 20000)),
    ("svdvals", (500, 500)),
    ("qr", (500, 500)),
    ("qr", (20000, 10)),
    ("pinv", (500, 500)),
    ("eigh", (500, 500)),
    ("eigvalsh", (500, 500)),
    ("cholesky", (500, 500)),
    ("solve", (500, 500)),
    ("inv", (500, 500)),
    ("det", (500, 500)),
    ("slogdet", (500, 500)),
    ("lu", (500, 500)),
    ("solve_triangular", (500, 500)),
    ("lstsq", (500, 500)),
    ("matrix_exp", (500, 500)),
    ("eig", (500, 500)),
    ("norm_nuclear", (500, 500)),
]


def inputs(np, rule, m, n):
    """The inputs of a case, as numpy arrays: symmetric positive definite for eigh, eigvalsh and
    cholesky, well conditioned (I + X/√n) for the square solves."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (m, n))
    if rule == "svdvals_complex":
        return [x + 1j * rng.uniform(-1, 1, (m, n))]
    if rule in ("eigh", "eigvalsh", "cholesky"):
        return [x @ x.T / n + np.eye(m)]
    if rule in ("solve", "inv", "det", "slogdet", "solve_triangular"):
        a = np.eye(m) + x / np.sqrt(n)
        if rule == "solve_triangular":
            return [np.tril(a), rng.uniform(-1, 1, (m, n))]
        return [a, rng.uniform(-1, 1, (m, n))] if rule == "solve" else [a]
    if rule == "lstsq":
        return [x, rng.uniform(-1, 1, (m, 10))]
    if rule == "matrix_exp":
        return [x / np.sqrt(n)]
    return [x]


def torch_loss(torch, rule):
    la = torch.linalg
    return {
        "eigh": lambda a: sum(t.sum() for t in la.eigh(a)),
        "eigvalsh": lambda a: la.eigvalsh(a).sum(),
        "cholesky": lambda a: la.cholesky(a).sum(),
        "qr": lambda a: sum(t.sum() for t in la.qr(a)),
        "solve": lambda a, b: la.solve(a, b).sum(),
        "inv": lambda a: la.inv(a).sum(),
        "det": lambda a: la.det(a),
        "slogdet": lambda a: la.slogdet(a)[1],
        "pinv": lambda a: la.pinv(a).sum(),
        "svdvals_complex": lambda a: la.svdvals(a).sum(),
        "lu": lambda a: sum(t.sum() for t in la.lu(a)[1:]),
        "solve_triangular": lambda a, b: la.solve_triangular(a, b, upper=False).sum(),
        "lstsq": lambda a, b: la.lstsq(a, b).solution.sum(),
        "matrix_exp": lambda a: la.matrix_exp(a).sum(),
        "eig": lambda a: (lambda w, v: w.real.sum() + (v.abs() ** 4).sum())(*la.eig(a)),
        "eigvals": lambda a: la.eigvals(a).real.sum(),
        "norm_nuclear": lambda a: la.matrix_norm(a, "nuc"),
        "norm_spectral": lambda a: la.matrix_norm(a, 2),
    }[rule]


def torch_outputs(torch, rule):
    """The rule as a function of its inputs returning every output (for `torch.func.jvp`)."""
    la = torch.linalg
    return {
        "svd": lambda a: tuple(la.svd(a, full_matrices=False)),
        "svdvals": la.svdvals,
        "qr": lambda a: tuple(la.qr(a)),
        "pinv": la.pinv,
        "eigh": lambda a: tuple(la.eigh(a)),
        "eigvalsh": la.eigvalsh,
        "cholesky": la.cholesky,
        "solve": la.solve,
        "inv": la.inv,
        "det": la.det,
        "slogdet": lambda a: tuple(la.slogdet(a)),
        "lu": lambda a: tuple(la.lu(a)[1:]),
        "solve_triangular": lambda a, b: la.solve_triangular(a, b, upper=False),
        "lstsq": lambda a, b: la.lstsq(a, b).solution,
        "matrix_exp": la.matrix_exp,
        "eig": lambda a: tuple(la.eig(a)),
        "norm_nuclear": lambda a: la.matrix_norm(a, "nuc"),
    }[rule]


def jax_outputs(jnp, rule):
    import jax.scipy.linalg as jsl

    la = jnp.linalg
    return {
        "svd": lambda a: tuple(la.svd(a, full_matrices=False)),
        "svdvals": lambda a: la.svd(a, compute_uv=False),
        "qr": lambda a: tuple(la.qr(a)),
        "pinv": la.pinv,
        "eigh": lambda a: tuple(la.eigh(a)),
        "eigvalsh": la.eigvalsh,
        "cholesky": la.cholesky,
        "solve": la.solve,
        "inv": la.inv,
        "det": la.det,
        "slogdet": lambda a: tuple(la.slogdet(a)),
        "lu": lambda a: tuple(jsl.lu(a)[1:]),
        "solve_triangular": lambda a, b: jsl.solve_triangular(a, b, lower=True),
        "lstsq": lambda a, b: la.lstsq(a, b)[0],
        "matrix_exp": jsl.expm,
        "eig": lambda a: tuple(la.eig(a)),
        "norm_nuclear": lambda a: la.norm(a, "nuc"),
    }[rule]


def jax_loss(jnp, rule):
    import jax.scipy.linalg as jsl

    la = jnp.linalg
    return {
        "eigh": lambda a: sum(t.sum() for t in la.eigh(a)),
        "eigvalsh": lambda a: la.eigvalsh(a).sum(),
        "cholesky": lambda a: la.cholesky(a).sum(),
        "qr": lambda a: sum(t.sum() for t in la.qr(a)),
        "solve": lambda a, b: la.solve(a, b).sum(),
        "inv": lambda a: la.inv(a).sum(),
        "det": lambda a: la.det(a),
        "slogdet": lambda a: la.slogdet(a)[1],
        "pinv": lambda a: la.pinv(a).sum(),
        "svdvals_complex": lambda a: la.svd(a, compute_uv=False).sum(),
        "lu": lambda a: sum(t.sum() for t in jsl.lu(a)[1:]),
        "solve_triangular": lambda a, b: jsl.solve_triangular(a, b, lower=True).sum(),
        "lstsq": lambda a, b: la.lstsq(a, b)[0].sum(),
        "matrix_exp": lambda a: jsl.expm(a).sum(),
        "eig": lambda a: (lambda w, v: w.real.sum() + (jnp.abs(v) ** 4).sum())(*la.eig(a)),
        "eigvals": lambda a: la.eigvals(a).real.sum(),
        "norm_nuclear": lambda a: la.norm(a, "nuc"),
        "norm_spectral": lambda a: la.norm(a, 2),
    }[rule]


def run_rules(name, runs):
    import numpy as np

    rows = []
    if name == "torch":
        import torch

        for rule, (m, n) in RULES:
            xs = [torch.tensor(v) for v in inputs(np, rule, m, n)]
            loss = torch_loss(torch, rule)

            def grad():
                leaves = [x.clone().requires_grad_(True) for x in xs]
                loss(*leaves).backward()

            rows.append((name, rule, m, n, timed(grad, runs)))
    else:
        import jax

        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp

        for rule, (m, n) in RULES:
            xs = [jnp.asarray(v) for v in inputs(np, rule, m, n)]
            g = jax.jit(jax.grad(jax_loss(jnp, rule), argnums=tuple(range(len(xs)))))
            rows.append(
                (name, rule, m, n, timed(lambda: [t.block_until_ready() for t in g(*xs)], runs))
            )
    return rows


def timed(f, runs):
    """`best(f, runs)`, or the first line of the error when the peer does not support the case."""
    try:
        return best(f, runs)
    except Exception as e:  # noqa: BLE001 - a peer's missing rule is reported, not fatal
        return f"unsupported ({type(e).__name__}: {str(e).splitlines()[0][:60]})"


def run_forward(name, runs):
    """Value and jvp of one random tangent per input (`torch.func.jvp`, jitted `jax.jvp`)."""
    import numpy as np

    rows = []
    rng = np.random.default_rng(1)
    if name == "torch":
        import torch
        from torch.func import jvp

        for rule, (m, n) in FORWARD:
            xs = [torch.tensor(v) for v in inputs(np, rule, m, n)]
            ts = [torch.tensor(rng.uniform(-1, 1, x.shape)) for x in xs]
            f = torch_outputs(torch, rule)
            rows.append((name, rule, m, n, timed(lambda: jvp(f, tuple(xs), tuple(ts)), runs)))
    else:
        import jax

        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp

        for rule, (m, n) in FORWARD:
            xs = [jnp.asarray(v) for v in inputs(np, rule, m, n)]
            ts = [jnp.asarray(rng.uniform(-1, 1, x.shape)) for x in xs]
            f = jax_outputs(jnp, rule)
            g = jax.jit(lambda xs, ts, f=f: jax.jvp(f, tuple(xs), tuple(ts)))
            rows.append(
                (name, rule, m, n, timed(lambda: jax.block_until_ready(g(xs, ts)), runs))
            )
    return rows


# The elementary rules (perf_report's "ops" table): forward and pullback of a cotangent of ones,
# every input's cotangent, f64. (name, shapes of the inputs)
OPS = [
    ("matmul", "512×512 · 512×512"),
    ("add (bias row)", "4096×512 + 512"),
    ("tanh", "10⁶"),
    ("log_softmax (rows)", "4096×512"),
    ("cross_entropy", "4096×512"),
]


def ops_inputs(np):
    rng = np.random.default_rng(0)
    u = lambda *s: rng.uniform(-1, 1, s)
    labels = np.array([(i * 7919) % 512 for i in range(4096)])
    return {
        "matmul": [u(512, 512), u(512, 512)],
        "add (bias row)": [u(4096, 512), u(512)],
        "tanh": [u(1_000_000)],
        "log_softmax (rows)": [4 * u(4096, 512)],
        "cross_entropy": [4 * u(4096, 512), labels],
    }


def run_ops(name, runs):
    import numpy as np

    data = ops_inputs(np)
    rows = []
    if name == "torch":
        import torch
        import torch.nn.functional as F

        fs = {
            "matmul": lambda a, b: a @ b,
            "add (bias row)": lambda a, b: a + b,
            "tanh": torch.tanh,
            "log_softmax (rows)": lambda a: torch.log_softmax(a, dim=1),
        }
        for case, shape in OPS:
            xs = [torch.tensor(v) for v in data[case]]
            if case == "cross_entropy":
                logits, labels = xs

                def step():
                    x = logits.detach().requires_grad_(True)
                    F.cross_entropy(x, labels).backward()

            else:
                f = fs[case]
                ones = torch.ones_like(f(*xs))

                def step():
                    leaves = [x.detach().requires_grad_(True) for x in xs]
                    f(*leaves).backward(ones)

            rows.append((name, case, shape, best(step, runs)))
    else:
        import jax

        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp

        def ce(x, labels):
            lp = jax.nn.log_softmax(x, axis=1)
            return -jnp.take_along_axis(lp, labels[:, None], axis=1).mean()

        fs = {
            "matmul": lambda a, b: a @ b,
            "add (bias row)": lambda a, b: a + b,
            "tanh": jnp.tanh,
            "log_softmax (rows)": lambda a: jax.nn.log_softmax(a, axis=1),
        }
        for case, shape in OPS:
            xs = [jnp.asarray(v) for v in data[case]]
            if case == "cross_entropy":
                logits, labels = xs
                # The value and the gradient, as our rule returns both.
                g = jax.jit(jax.value_and_grad(ce))
                step = lambda: [t.block_until_ready() for t in g(logits, labels)]
            else:
                f = fs[case]

                # The cotangent is an argument, as it is for the other systems: a constant one
                # would let XLA fold the multiplications by it away.
                ones = jnp.ones_like(f(*xs))

                def value_and_vjp(ct, *args, f=f):
                    y, pb = jax.vjp(f, *args)
                    return (y,) + pb(ct)

                g = jax.jit(value_and_vjp)
                step = lambda g=g, xs=xs, ones=ones: [t.block_until_ready() for t in g(ones, *xs)]
            rows.append((name, case, shape, best(step, runs)))
    return rows


# The tape's programs (perf_report's "tape" table; `--tape` runs them alone), whole gradient with
# the forward pass, f64: PyTorch eager, JAX under `jit`.
#   mlp: X 4096×256 → 512 tanh → 10, mse + 0.1·Σ svdvals(W₁), gradient in W₁, b₁, W₂, b₂;
#   subspace: Z = tanh(X W + b), X 100000×32, (U, S, Vᵀ) = svd(Z), 0.01·Σ S − ‖UᵀY‖², in W, b.
PROGRAMS = ["mlp", "subspace"]


def program_inputs(np, program):
    rng = np.random.default_rng(0)
    u = lambda *s: rng.uniform(-1, 1, s)
    if program == "mlp":
        return [u(256, 512) / 16, u(512), u(512, 10) / 22.6, u(10)], [u(4096, 256), u(4096, 10)]
    return [u(32, 32) / 5.7, u(32)], [u(100000, 32), u(100000, 4)]


def program_step(name, program, params, consts):
    """A function that runs one whole gradient of `program` with `name`'s framework."""
    if name == "torch":
        import torch

        ps = [torch.tensor(v) for v in params]
        cs = [torch.tensor(v) for v in consts]
        la = torch.linalg

        def loss(p):
            if program == "mlp":
                (w1, b1, w2, b2), (x, y) = p, cs
                out = torch.tanh(x @ w1 + b1) @ w2 + b2
                return ((out - y) ** 2).mean() + 0.1 * la.svdvals(w1).sum()
            (w, b), (x, y) = p, cs
            u, s, _ = la.svd(torch.tanh(x @ w + b), full_matrices=False)
            return 0.01 * s.sum() - ((u.T @ y) ** 2).sum()

        def step():
            leaves = [p.detach().requires_grad_(True) for p in ps]
            loss(leaves).backward()

        return step
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    ps = [jnp.asarray(v) for v in params]
    cs = [jnp.asarray(v) for v in consts]

    def loss(p, c):
        if program == "mlp":
            (w1, b1, w2, b2), (x, y) = p, c
            out = jnp.tanh(x @ w1 + b1) @ w2 + b2
            return ((out - y) ** 2).mean() + 0.1 * jnp.linalg.svd(w1, compute_uv=False).sum()
        (w, b), (x, y) = p, c
        u, s, _ = jnp.linalg.svd(jnp.tanh(x @ w + b), full_matrices=False)
        return 0.01 * s.sum() - ((u.T @ y) ** 2).sum()

    g = jax.jit(jax.value_and_grad(loss))
    return lambda: jax.block_until_ready(g(ps, cs))


def peak_rss_growth(name, program):
    """Peak resident memory added by one warm gradient, in MB, in a fresh process (Linux: the
    peak is reset through /proc/self/clear_refs). Approximate: it counts what the allocator
    takes from the system, not what the program holds."""
    import subprocess

    code = f"""
import sys; sys.path.insert(0, {repr(sys.path[0])})
import numpy as np, run_peers as r
params, consts = r.program_inputs(np, {program!r})
step = r.program_step({name!r}, {program!r}, params, consts)
step()
def field(k):
    for line in open('/proc/self/status'):
        if line.startswith(k):
            return int(line.split()[1])
before = field('VmRSS')
open('/proc/self/clear_refs', 'w').write('5')
step()
print((field('VmHWM') - before) / 1024)
"""
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
        return float(out.stdout.strip().splitlines()[-1])
    except Exception:
        return float("nan")


def run_programs(name, runs):
    import numpy as np

    rows = []
    for program in PROGRAMS:
        params, consts = program_inputs(np, program)
        step = program_step(name, program, params, consts)
        rows.append((name, program, best(step, runs), peak_rss_growth(name, program)))
    return rows


def fmt(t):
    return f"{t:.2f}" if isinstance(t, float) else t


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--ops", action="store_true", help="the elementary rules' table alone")
    p.add_argument("--tape", action="store_true", help="the tape's programs alone")
    p.add_argument("--forward", action="store_true", help="the linalg forward-mode table alone")
    p.add_argument("--linalg", action="store_true", help="the linalg rules' gradient table alone")
    args = p.parse_args()
    if args.linalg:
        rows = []
        for name in ("torch", "jax"):
            try:
                __import__(name)
            except ImportError:
                print(f"{name} is not installed: skipped (pip install {name})")
                continue
            rows += run_rules(name, args.runs)
        print("\nlinalg rules: gradient of the sum of every output's entries, forward included (ms)")
        print("| peer | rule | shape | ms |")
        print("|---|---|---|---|")
        for peer, rule, m, n, t in rows:
            print(f"| {peer} | {rule} | {m}×{n} | {fmt(t)} |")
        return 0
    if args.forward:
        rows = []
        for name in ("torch", "jax"):
            try:
                __import__(name)
            except ImportError:
                print(f"{name} is not installed: skipped (pip install {name})")
                continue
            rows += run_forward(name, args.runs)
        print("\nlinalg forward mode: value + jvp of one tangent per input, f64 (ms)")
        print("| peer | rule | shape | ms |")
        print("|---|---|---|---|")
        for peer, rule, m, n, t in rows:
            print(f"| {peer} | {rule} | {m}×{n} | {fmt(t)} |")
        return 0
    if args.tape:
        rows = []
        for name in ("torch", "jax"):
            try:
                __import__(name)
            except ImportError:
                print(f"{name} is not installed: skipped (pip install {name})")
                continue
            rows += run_programs(name, args.runs)
        print("\ntape programs: whole gradient, forward included, f64")
        print("| peer | program | ms | peak RSS growth MB |")
        print("|---|---|---|---|")
        for peer, program, t, mb in rows:
            print(f"| {peer} | {program} | {t:.2f} | {mb:.1f} |")
        return 0
    rows = []
    rule_rows = []
    op_rows = []
    found = False
    for name, runner in (("torch", run_torch), ("jax", run_jax)):
        try:
            __import__(name)
        except ImportError:
            print(f"{name} is not installed: skipped (pip install {name})")
            continue
        found = True
        op_rows += run_ops(name, args.runs)
        if not args.ops:
            rows += runner(args.runs)
            rule_rows += run_rules(name, args.runs)
    if not found:
        print("Neither PyTorch nor JAX is installed; install them with `pip install torch jax` and rerun.")
        return 0
    print("\nops: forward + pullback of a cotangent of ones, every input's cotangent, f64 (ms)")
    print("| peer | rule | shape | ms |")
    print("|---|---|---|---|")
    for peer, case, shape, t in op_rows:
        print(f"| {peer} | {case} | {shape} | {t:.3f} |")
    if args.ops:
        return 0
    print("\n| peer | shape | forward ms | grad sum(U) ms | grad/fwd | grad sum(s) ms |")
    print("|---|---|---|---|---|---|")
    for peer, m, n, f, gu, gs in rows:
        print(f"| {peer} | {m}×{n} | {f:.2f} | {gu:.2f} | {gu / f:.2f} | {gs:.2f} |")
    print("\nlinalg rules: gradient of the sum of every output's entries, forward included (ms)")
    print("| peer | rule | shape | ms |")
    print("|---|---|---|---|")
    for peer, rule, m, n, t in rule_rows:
        print(f"| {peer} | {rule} | {m}×{n} | {fmt(t)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
