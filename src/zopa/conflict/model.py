"""The conflict model of the Graph Model for Conflict Resolution, in option form.

A conflict has decision makers (DMs), each controlling binary options; a *state* is a feasible
combination of options (Fang, Hipel & Kilgour 1993, ch. 3). States are held as integers whose
bit ``j`` is option ``j`` (file order), sorted ascending: state id ``k`` (1-based) is the
``k``-th feasible code, which is also gmcr-py's numbering when the option order is the same.
Preferences are ordinal payoffs (higher is better, equal values tie).
"""

from __future__ import annotations

from dataclasses import field
from typing import Literal

import numpy as np
import numpy.typing as npt

from zopa.records import frozen

__all__ = ["Conflict", "ConflictOption", "DecisionMaker", "Direction"]

Direction = Literal["both", "forward", "backward"]
"""``forward``: only N→Y (cannot be undone); ``backward``: only Y→N; ``both``: reversible."""

IntArray = npt.NDArray[np.int64]


@frozen
class ConflictOption:
    """A binary option: taken (Y) or not (N)."""

    id: str
    label: str = ""
    direction: Direction = "both"


@frozen
class DecisionMaker:
    """A decision maker and the ids of the options it controls."""

    id: str
    options: tuple[str, ...]
    label: str = ""


@frozen(eq=False)
class Conflict:
    """A compiled conflict: feasible states as option-bit codes and a payoff row per DM.

    ``payoffs[i, k]`` is DM ``i``'s ordinal payoff for state index ``k`` (0-based); higher is
    more preferred, equal is a tie. Build one with :func:`zopa.conflict.load_conflict` or
    :func:`zopa.conflict.build_conflict`.
    """

    title: str
    options: tuple[ConflictOption, ...]
    decision_makers: tuple[DecisionMaker, ...]
    codes: IntArray = field(repr=False)
    payoffs: IntArray = field(repr=False)
    status_quo: int | None = None
    source: str | None = None

    @property
    def n_states(self) -> int:
        return int(self.codes.shape[0])

    @property
    def dm_ids(self) -> tuple[str, ...]:
        return tuple(dm.id for dm in self.decision_makers)

    def option_index(self, option_id: str) -> int:
        for j, opt in enumerate(self.options):
            if opt.id == option_id:
                return j
        raise KeyError(option_id)

    def dm_mask(self, dm: int) -> int:
        """Bit mask of the options DM ``dm`` (index) controls."""
        mask = 0
        for oid in self.decision_makers[dm].options:
            mask |= 1 << self.option_index(oid)
        return mask

    def direction_masks(self) -> tuple[int, int]:
        """(forward-only bits, backward-only bits)."""
        fwd = bwd = 0
        for j, opt in enumerate(self.options):
            if opt.direction == "forward":
                fwd |= 1 << j
            elif opt.direction == "backward":
                bwd |= 1 << j
        return fwd, bwd

    def pattern(self, index: int) -> str:
        """Y/N per option in file order for the state at 0-based ``index``."""
        code = int(self.codes[index])
        return "".join("Y" if code >> j & 1 else "N" for j in range(len(self.options)))

    def choices(self, index: int) -> dict[str, tuple[str, ...]]:
        """Per DM, the labels of the options it takes in the state at 0-based ``index``."""
        code = int(self.codes[index])
        out: dict[str, tuple[str, ...]] = {}
        for dm in self.decision_makers:
            taken = []
            for oid in dm.options:
                j = self.option_index(oid)
                if code >> j & 1:
                    taken.append(self.options[j].label or oid)
            out[dm.id] = tuple(taken)
        return out

    def describe(self, index: int) -> str:
        """The state in words: ``west: Impose sanctions; iran: Enrich...; eu: nothing``."""
        return "; ".join(
            f"{dm}: {', '.join(taken) if taken else 'none of its options'}"
            for dm, taken in self.choices(index).items()
        )

    def move_text(self, dm: str, source: int, target: int) -> str:
        """A unilateral move between 0-based states in words (``west stops: Impose ...``)."""
        a, b = int(self.codes[source]), int(self.codes[target])
        parts = []
        for j, opt in enumerate(self.options):
            if (a ^ b) >> j & 1:
                verb = "takes up" if b >> j & 1 else "drops"
                parts.append(f"{verb} '{opt.label or opt.id}'")
        return f"{dm} {' and '.join(parts) or 'stays'}"

    def state_id(self, index: int) -> int:
        """The 1-based state id (gmcr-py numbering) of 0-based ``index``."""
        return index + 1

    def index_of_code(self, code: int) -> int | None:
        k = int(np.searchsorted(self.codes, code))
        if k < self.n_states and int(self.codes[k]) == code:
            return k
        return None
