"""Optimisers: turn the gradients that backward left in ``p.grad`` into a step of the parameters.

Every optimiser here is used the same way, the three lines of a training step:

    opt.zero_grad()     # backward ADDS to .grad, so clear it first
    loss.backward()     # g = d loss / d theta for every parameter theta
    opt.step()          # theta <- theta - (a step computed from g and the optimiser's memory)

Each one follows its ``torch.optim`` namesake line for line (float64 trajectories agree to
1e-9), and its docstring states the update rule. In the formulas g_t is the gradient at step
t = 1, 2, ..., lr the current learning rate ``opt.lr`` (a scheduler may change it between steps)
and every operation is per parameter. The schedulers (StepLR, ExponentialLR,
CosineAnnealingLR) change ``opt.lr`` once per ``sched.step()``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from autograd import Value, checks

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "clip_grad_norm",
    "StepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
]


# --- checking hyper-parameters: each error names the optimiser and the argument ---


def _number(who: str, name: str, value: Any) -> float:
    return checks.real(value, f"{who}: {name}")


def _positive_lr(who: str, lr: Any) -> float:
    lr = _number(who, "lr", lr)
    if not (lr > 0 and math.isfinite(lr)):
        raise ValueError(f"{who}: lr must be a positive finite number, got {lr!r}")
    return lr


def _fraction(who: str, name: str, value: Any) -> float:
    """A number in [0, 1): a momentum, a beta, a decay rate."""
    value = _number(who, name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{who}: {name} must lie in [0, 1), got {value!r}")
    return value


def _non_negative(who: str, name: str, value: Any) -> float:
    """A finite number >= 0: an eps, a weight decay."""
    value = _number(who, name, value)
    if not (value >= 0 and math.isfinite(value)):
        raise ValueError(f"{who}: {name} must be a finite number >= 0, got {value!r}")
    return value


def _check_params(params: Any, who: str) -> list[Value]:
    """params as a list of distinct Values (a generator is read once)."""
    if isinstance(params, Value) or not hasattr(params, "__iter__"):
        raise TypeError(f"{who} takes a list of Values (model.parameters()), got {type(params).__name__}")
    params = list(params)
    if not params:
        raise ValueError(f"{who} got an empty list of parameters: nothing to train")
    seen = set()
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"{who}: params[{i}] is a {type(p).__name__}, not a Value")
        if p in seen:
            raise ValueError(f"{who}: params[{i}] appears twice; each parameter would be stepped twice")
        seen.add(p)
    return params


def _gradient(p: Value) -> float:
    """p.grad as a float (it is a Value after backward(create_graph=True))."""
    return p.grad if type(p.grad) is float else float(getattr(p.grad, "data", p.grad))


# --- the optimisers ---


class Optimizer:
    """What every optimiser shares: the parameters, ``lr``, ``zero_grad()`` and ``step()``.

    A subclass writes ``_update(i, theta, g) -> new theta`` for parameter i; ``step`` counts
    the steps (``self.steps`` is t in the formulas) and applies it to every parameter.
    """

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        who = type(self).__name__
        self.params = _check_params(params, who)
        self.lr = _positive_lr(who, lr)
        self.steps = 0  # t: how many steps have been taken

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 before the next backward (backward adds)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """One update of every parameter from its gradient (the rule in the class docstring)."""
        self.steps += 1
        for i, p in enumerate(self.params):
            p.data = self._update(i, p.data, _gradient(p))

    def _update(self, i: int, theta: float, grad: float) -> float:
        raise NotImplementedError

    def _settings(self) -> str:
        return f"lr={self.lr}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, {self._settings()})"


class SGD(Optimizer):
    """Stochastic gradient descent, with classical momentum, Nesterov momentum and weight decay.

    Plain (momentum = 0):      theta_t = theta_{t-1} - lr * g_t

    With momentum, in the classical form a learner sees in lectures,

        Delta_t = momentum * Delta_{t-1} - lr * g_t        (Delta_0 = 0)
        theta_t = theta_{t-1} + Delta_t

    i.e. theta <- theta - lr * g + momentum * Delta_prev: each step repeats a fraction of
    the previous step, so steps grow along directions where the gradient keeps its sign
    and cancel where it oscillates.

    PyTorch (``torch.optim.SGD(lr, momentum, dampening=0)``) keeps a velocity buffer instead,
    and this class does the same:

        v_t = momentum * v_{t-1} + g_t                     (v_1 = g_1)
        theta_t = theta_{t-1} - lr * v_t

    Multiply by -lr: -lr v_t = momentum (-lr v_{t-1}) - lr g_t, which is Delta_t above, so
    both give the same trajectory for a fixed lr (with a scheduler the buffer form is torch's).

    nesterov=True steps with the look-ahead g_t + momentum * v_t instead of v_t (torch's form
    of Nesterov's accelerated gradient). weight_decay = lambda adds the L2 penalty's gradient
    first: g_t <- g_t + lambda * theta_{t-1} (torch's coupled weight decay).
    """

    def __init__(
        self, params: Iterable[Value], lr: float = 0.01, momentum: float = 0.0, nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _fraction("SGD", "momentum", momentum)
        if not isinstance(nesterov, bool):
            raise TypeError(f"SGD: nesterov must be True or False, got {type(nesterov).__name__}")
        if nesterov and self.momentum == 0:
            raise ValueError("SGD: nesterov=True needs a momentum > 0 (Nesterov is a kind of momentum)")
        self.nesterov = nesterov
        self.weight_decay = _non_negative("SGD", "weight_decay", weight_decay)
        self.velocities: list[float | None] = [None] * len(self.params)  # v_{t-1}; None before step 1

    def _update(self, i: int, theta: float, grad: float) -> float:
        grad += self.weight_decay * theta
        if self.momentum == 0:
            return theta - self.lr * grad
        previous = self.velocities[i]
        velocity = grad if previous is None else self.momentum * previous + grad
        self.velocities[i] = velocity
        direction = grad + self.momentum * velocity if self.nesterov else velocity
        return theta - self.lr * direction

    def _settings(self) -> str:
        text = f"lr={self.lr}, momentum={self.momentum}"
        text += ", nesterov=True" if self.nesterov else ""
        return text + (f", weight_decay={self.weight_decay}" if self.weight_decay else "")


def _check_betas(who: str, betas: Any) -> tuple[float, float]:
    if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
        raise TypeError(f"{who}: betas must be a pair (beta1, beta2), got {betas!r:.60}")
    return _fraction(who, "betas[0]", betas[0]), _fraction(who, "betas[1]", betas[1])


class Adam(Optimizer):
    """Adam: momentum on the gradient, divided by a running size of the gradient (Kingma & Ba, 2015).

        g_t <- g_t + weight_decay * theta_{t-1}                (only if weight_decay > 0: L2, coupled)
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t               (m_0 = 0: the mean of g)
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2             (v_0 = 0: the mean of g^2)
        m_hat = m_t / (1 - beta1^t),  v_hat = v_t / (1 - beta2^t)   (bias correction: m_0 = v_0 = 0
                                                                 pull the early averages towards 0)
        theta_t = theta_{t-1} - lr * m_hat / (sqrt(v_hat) + eps)

    Each parameter's step is about lr in size, whatever the scale of its gradient. eps is added
    AFTER the square root, as ``torch.optim.Adam`` does (some texts put it inside).
    """

    def __init__(
        self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8, weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        who = type(self).__name__
        self.betas = _check_betas(who, betas)
        self.eps = _non_negative(who, "eps", eps)
        self.weight_decay = _non_negative(who, "weight_decay", weight_decay)
        self.means = [0.0] * len(self.params)  # m: running mean of g
        self.squares = [0.0] * len(self.params)  # v: running mean of g^2

    def _update(self, i: int, theta: float, grad: float) -> float:
        grad += self.weight_decay * theta
        return self._adam_step(i, theta, grad)

    def _adam_step(self, i: int, theta: float, grad: float) -> float:
        beta1, beta2 = self.betas
        self.means[i] = mean = beta1 * self.means[i] + (1 - beta1) * grad
        self.squares[i] = square = beta2 * self.squares[i] + (1 - beta2) * grad * grad
        step_size = self.lr / (1 - beta1**self.steps)  # lr / (1 - beta1^t): m_hat's correction
        denominator = math.sqrt(square) / math.sqrt(1 - beta2**self.steps) + self.eps  # sqrt(v_hat) + eps
        return theta - step_size * mean / denominator

    def _settings(self) -> str:
        return f"lr={self.lr}, betas={self.betas}, eps={self.eps}, weight_decay={self.weight_decay}"


class AdamW(Adam):
    """AdamW: Adam with DECOUPLED weight decay (Loshchilov & Hutter, 2019), ``torch.optim.AdamW``.

        theta' = theta_{t-1} * (1 - lr * weight_decay)       (shrink the weight itself first)
        then Adam's step from theta' with the raw gradient g_t (no lambda * theta added to g):
        m_t = beta1 m_{t-1} + (1 - beta1) g_t,   v_t = beta2 v_{t-1} + (1 - beta2) g_t^2
        theta_t = theta' - lr * (m_t / (1 - beta1^t)) / (sqrt(v_t / (1 - beta2^t)) + eps)

    In Adam(weight_decay=...) the decay goes into g and is then divided by sqrt(v_hat), so
    weights with large gradients are barely decayed; here every weight shrinks by the same factor.
    """

    def __init__(
        self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8, weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)

    def _update(self, i: int, theta: float, grad: float) -> float:
        theta *= 1 - self.lr * self.weight_decay
        return self._adam_step(i, theta, grad)


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root-mean-square of it (Hinton's lecture 6e).

        g_t <- g_t + weight_decay * theta_{t-1}           (only if weight_decay > 0)
        s_t = alpha * s_{t-1} + (1 - alpha) * g_t^2        (s_0 = 0; no bias correction, as torch)
        momentum = 0:  theta_t = theta_{t-1} - lr * g_t / (sqrt(s_t) + eps)
        momentum > 0:  b_t = momentum * b_{t-1} + g_t / (sqrt(s_t) + eps)   (b_0 = 0)
                       theta_t = theta_{t-1} - lr * b_t

    As ``torch.optim.RMSprop`` (centered=False); eps is added after the square root.
    """

    def __init__(
        self, params: Iterable[Value], lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
        momentum: float = 0.0, weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.alpha = _fraction("RMSprop", "alpha", alpha)
        self.eps = _non_negative("RMSprop", "eps", eps)
        self.momentum = _fraction("RMSprop", "momentum", momentum)
        self.weight_decay = _non_negative("RMSprop", "weight_decay", weight_decay)
        self.squares = [0.0] * len(self.params)  # s: running mean of g^2
        self.buffers = [0.0] * len(self.params)  # b: momentum of the scaled gradient

    def _update(self, i: int, theta: float, grad: float) -> float:
        grad += self.weight_decay * theta
        self.squares[i] = square = self.alpha * self.squares[i] + (1 - self.alpha) * grad * grad
        scaled = grad / (math.sqrt(square) + self.eps)
        if self.momentum == 0:
            return theta - self.lr * scaled
        self.buffers[i] = buffer = self.momentum * self.buffers[i] + scaled
        return theta - self.lr * buffer

    def _settings(self) -> str:
        return f"lr={self.lr}, alpha={self.alpha}, eps={self.eps}, momentum={self.momentum}"


class Adagrad(Optimizer):
    """Adagrad: divide by the root of the SUM of all squared gradients so far (Duchi et al., 2011).

        G_t = G_{t-1} + g_t^2                              (G_0 = 0)
        theta_t = theta_{t-1} - lr * g_t / (sqrt(G_t) + eps)

    Steps shrink as G grows, fastest for parameters with large gradients. As ``torch.optim.Adagrad``
    (lr_decay=0, initial_accumulator_value=0); with weight_decay, g_t <- g_t + weight_decay * theta.
    """

    def __init__(
        self, params: Iterable[Value], lr: float = 1e-2, eps: float = 1e-10, weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.eps = _non_negative("Adagrad", "eps", eps)
        self.weight_decay = _non_negative("Adagrad", "weight_decay", weight_decay)
        self.sums = [0.0] * len(self.params)  # G: sum of g^2

    def _update(self, i: int, theta: float, grad: float) -> float:
        grad += self.weight_decay * theta
        self.sums[i] += grad * grad
        return theta - self.lr * grad / (math.sqrt(self.sums[i]) + self.eps)

    def _settings(self) -> str:
        return f"lr={self.lr}, eps={self.eps}"


# --- gradient clipping ---


def clip_grad_norm(params: Iterable[Value], max_norm: float) -> float:
    """Scale the gradients down so their joint length is at most max_norm; return the length before.

        norm = sqrt(sum over all parameters of g^2)
        if norm > max_norm:  g <- g * max_norm / (norm + 1e-6)     (as torch.nn.utils.clip_grad_norm_)

    Call it between ``loss.backward()`` and ``opt.step()``; the direction of the step is kept.
    """
    params = _check_params(params, "clip_grad_norm")
    max_norm = _non_negative("clip_grad_norm", "max_norm", max_norm)
    norm = math.sqrt(sum(_gradient(p) ** 2 for p in params))
    scale = max_norm / (norm + 1e-6)
    if scale < 1:
        for p in params:
            p.grad = _gradient(p) * scale
    return norm


# --- learning-rate schedules: each sched.step() sets opt.lr for the next epoch ---


class _Scheduler:
    """Shared by the schedules: the optimiser, its starting lr and how many times step() ran."""

    def __init__(self, optimizer: Any) -> None:
        if not hasattr(optimizer, "lr") or not callable(getattr(optimizer, "step", None)):
            raise TypeError(f"{type(self).__name__} takes an optimiser (with .lr), "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = float(optimizer.lr)
        self.last_epoch = 0  # how many times step() has run

    @property
    def lr(self) -> float:
        """The optimiser's current learning rate."""
        return self.optimizer.lr

    def get_last_lr(self) -> list[float]:
        """[opt.lr], as torch's schedulers return one rate per parameter group."""
        return [self.optimizer.lr]

    def step(self) -> None:
        """Advance one epoch and set the optimiser's lr for it."""
        self.last_epoch += 1
        self.optimizer.lr = self._next_lr(self.optimizer.lr)

    def _next_lr(self, lr: float) -> float:
        raise NotImplementedError


class StepLR(_Scheduler):
    """Multiply lr by gamma every step_size epochs:  lr_e = base_lr * gamma^floor(e / step_size)."""

    def __init__(self, optimizer: Any, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = checks.count(step_size, "StepLR: step_size")
        self.gamma = _gamma("StepLR", gamma)

    def _next_lr(self, lr: float) -> float:
        return lr * self.gamma if self.last_epoch % self.step_size == 0 else lr


class ExponentialLR(_Scheduler):
    """Multiply lr by gamma every epoch:  lr_e = base_lr * gamma^e."""

    def __init__(self, optimizer: Any, gamma: float) -> None:
        super().__init__(optimizer)
        self.gamma = _gamma("ExponentialLR", gamma)

    def _next_lr(self, lr: float) -> float:
        return lr * self.gamma


def _gamma(who: str, gamma: Any) -> float:
    gamma = _number(who, "gamma", gamma)
    if not 0 < gamma <= 1:
        raise ValueError(f"{who}: gamma must lie in (0, 1] (the factor lr is multiplied by), got {gamma!r}")
    return gamma


class CosineAnnealingLR(_Scheduler):
    """Lower lr along half a cosine from base_lr to eta_min over T_max epochs (Loshchilov & Hutter, 2017).

        lr_e = eta_min + (base_lr - eta_min) * (1 + cos(pi * e / T_max)) / 2

    Computed as ``torch.optim.lr_scheduler.CosineAnnealingLR`` computes it, in its chainable
    (recursive) form, so the float trajectory is torch's:

        lr_e = eta_min + (lr_{e-1} - eta_min) * (1 + cos(pi e / T_max)) / (1 + cos(pi (e - 1) / T_max))

    and, at the bottom of each cycle ((e - 1 - T_max) divisible by 2 T_max), the rate climbs back:
    lr_e = lr_{e-1} + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2. Past T_max it rises again
    (a full cosine of period 2 T_max), as torch's does.
    """

    def __init__(self, optimizer: Any, T_max: int, eta_min: float = 0.0) -> None:  # noqa: N803 (torch's name)
        super().__init__(optimizer)
        self.T_max = checks.count(T_max, "CosineAnnealingLR: T_max")
        self.eta_min = _non_negative("CosineAnnealingLR", "eta_min", eta_min)

    def _next_lr(self, lr: float) -> float:
        e, period = self.last_epoch, self.T_max
        if (e - 1 - period) % (2 * period) == 0:
            return lr + (self.base_lr - self.eta_min) * (1 - math.cos(math.pi / period)) / 2
        ratio = (1 + math.cos(math.pi * e / period)) / (1 + math.cos(math.pi * (e - 1) / period))
        return ratio * (lr - self.eta_min) + self.eta_min
