"""One round of the equal-gain exchange model as decide (Pollen & Stokman's
decide-exchange-model) computes it, vectorised with NumPy.

Positions are on a 0-100 scale (NaN = absent). Per round, with ``O`` the capability·salience
weighted mean of the start positions ``x``:

1. An actor is *left* on an issue when ``x <= O``. For every issue pair ``p < q`` the actors
   right on both trade with those left on both, and those left on ``p`` only with those left
   on ``q`` only. Of a pair, ``I`` is the one with the larger ``s_p / s_q`` (the first one on
   equal ratios): ``I`` demands ``p`` and supplies ``q``; ``J`` supplies ``p``, demands ``q``.
2. Equal gain: the outcome shifts satisfy ``ΔO_q (s_Iq + s_Jq) = ΔO_p (s_Ip + s_Jp)``; ``J``
   moves on ``p`` all the way to ``I`` unless ``I`` would then pass ``J`` on ``q``, in which
   case ``I`` moves all the way on ``q``. The gain is ``|ΔO_q s_Iq − ΔO_p s_Ip|``.
3. A move may not shift the outcome on the supplied issue past the demander's position: it
   is cut back so that the outcome lands on it, and the partner's move re-sized (equal gain).
4. A move must be more than 1e-10, keep the position within 0-100, and go the same way as
   the moves its actor-issue made earlier in the round (as decide keeps them).
5. The exchange with the largest gain is made (ties within 1e-12 relative: the first
   candidate made); every candidate sharing a supplying actor-issue with it continues from
   the moved position, every one sharing a demanding actor-issue notes the supplier's new
   position on that issue (decide's per-exchange ``updates``); those are recalculated, and
   the ones no longer valid dropped. Repeat until no candidate is left.
6. The round's voting positions are the last moved positions; the next round starts from
   ``x + ((1 − s)·0.4 + 0.1)(y − x)``.

An outcome within 1e-9 of the demander's position counts as at it (decide's Decimal result
then depends on rounding noise). Actor-issues with zero salience or capability take no part.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from zopa.forecast._types import FloatArray

__all__ = ["decide_round"]

_Index = npt.NDArray[np.intp]
_Bool = npt.NDArray[np.bool_]
_TIE = 1e-12
_AT = 1e-9
_SALIENCE_WEIGHT, _FIXED_WEIGHT = 0.4, 0.1


class _Lookup:
    """Candidates by an actor-issue key: ``get(key)`` gives their indices."""

    def __init__(self, keys: _Index, size: int) -> None:
        self.order = np.argsort(keys, kind="stable")
        self.bounds = np.searchsorted(keys[self.order], np.arange(size + 1)).tolist()

    def get(self, key: int) -> _Index:
        return self.order[self.bounds[key] : self.bounds[key + 1]]


class _Side:
    """Per candidate, one side of the exchange: the actor, the issue it supplies and the
    other issue, and its state in the round."""

    def __init__(
        self,
        actor: _Index,
        sup: _Index,
        dem: _Index,
        x: FloatArray,
        s: FloatArray,
        w: FloatArray,
        n: int,
    ) -> None:
        k = actor.size
        self.actor, self.sup, self.dem = actor, sup, dem
        self.x_sup = x[actor, sup]  # round-start positions on both issues
        self.x_dem = x[actor, dem]
        self.s_sup, self.s_dem = s[actor, sup], s[actor, dem]
        self.w_sup = w[actor, sup]
        self.pos = self.x_sup.copy()  # supply position as moved in this round
        self.cur = np.zeros(k)  # the current move
        self.rmin = np.full(k, np.inf)  # earlier moves kept: min, max, sum
        self.rmax = np.full(k, -np.inf)
        self.rsum = np.zeros(k)
        self.y = self.x_sup.copy()
        self.upd_num = np.zeros(k)  # Σ w (u − x) of the other actors' noted positions
        self.upd_self = np.full(k, np.nan)  # the own noted position, if any
        self.upd = np.full((k, n), np.nan)  # noted positions on the supplied issue

    def move_ok(self, idx: _Index) -> _Bool:
        cur, pos = self.cur[idx], self.pos[idx]
        a = np.abs(cur)
        end = pos + cur
        ok: _Bool = (a <= 100) & (a > 1e-10) & (end >= 0) & (end <= 100)
        ok &= self.rsum[idx] + cur <= 100
        ok &= (np.maximum(self.rmax[idx], cur) < 0) | (np.minimum(self.rmin[idx], cur) > 0)
        return ok


class _Round:
    def __init__(self, x: FloatArray, s: FloatArray, c: FloatArray) -> None:
        n, m = x.shape
        here = ~np.isnan(x)
        w = np.where(here, c * s, 0.0)
        self.den = w.sum(axis=0)
        self.num = (w * np.where(here, x, 0.0)).sum(axis=0)
        nbs = np.where(self.den > 0, self.num / np.where(self.den > 0, self.den, 1.0), 0.0)
        left = here & (np.where(here, x, np.inf) <= nbs)
        able = here & (w > 0)
        pp, qq = np.triu_indices(m, 1)
        grp = np.where(able[:, pp] & able[:, qq], left[:, pp] + 2 * left[:, qq], -1).T
        pairs = np.stack(
            [
                (grp == 0)[:, :, None] & (grp == 3)[:, None, :],
                (grp == 1)[:, :, None] & (grp == 2)[:, None, :],
            ],
            axis=1,
        )
        kk, _, a, b = np.nonzero(pairs)  # decide's order: issue pair, group, actors
        p, q = pp[kk], qq[kk]
        swap = s[a, p] * s[b, q] < s[b, p] * s[a, q]
        ai, aj = np.where(swap, b, a), np.where(swap, a, b)
        self.x, self.w, self.n, self.m = x, w, n, m
        self.I = _Side(ai, q, p, x, s, w, n)  # I supplies q, demands p
        self.J = _Side(aj, p, q, x, s, w, n)  # J supplies p, demands q
        self.p, self.q = p, q
        self.kp = (s[ai, p] + s[aj, p]) / (s[ai, q] + s[aj, q])  # ΔO_q = kp ΔO_p
        self.gain = np.zeros(p.size)
        self.valid = np.zeros(p.size, dtype=bool)

    def calc(self, idx: _Index) -> None:
        """decide's calculation of the candidates ``idx`` from their current state."""
        I, J, den = self.I, self.J, self.den  # noqa: E741
        p, q, kp = self.p[idx], self.q[idx], self.kp[idx]
        si, sj = I.pos[idx], J.pos[idx]
        xip, xjq = I.x_dem[idx], J.x_dem[idx]
        dist_p, dist_q = np.abs(xip - sj), np.abs(xjq - si)
        wjp, wiq = J.w_sup[idx], I.w_sup[idx]
        d_p = dist_p * wjp / den[p]
        d_q = d_p * kp
        mi, mj = d_q * den[q] / wiq, dist_p
        full_i = mi > dist_q  # I would pass J on q: I moves all the way instead
        d_q2 = dist_q * wiq / den[q]
        d_p2 = d_q2 / kp
        d_p = np.where(full_i, d_p2, d_p)
        d_q = np.where(full_i, d_q2, d_q)
        mi = np.where(full_i, dist_q, mi)
        mj = np.where(full_i, d_p2 * den[p] / wjp, mj)
        I.cur[idx] = np.where(si > xjq, -mi, mi)
        J.cur[idx] = np.where(sj > xip, -mj, mj)
        I.y[idx] = si + I.cur[idx]
        J.y[idx] = sj + J.cur[idx]
        self.gain[idx] = np.abs(d_q * I.s_sup[idx] - d_p * I.s_dem[idx])
        ok = I.move_ok(idx) & J.move_ok(idx) & (self.gain[idx] >= 1e-10)
        go = idx[ok]
        if go.size:
            self._cap(go, I, J, 1.0 / self.kp[go])
            self._cap(go, J, I, self.kp[go])
            ok[ok] = I.move_ok(go) & J.move_ok(go)
        self.valid[idx] = ok

    def _cap(
        self,
        idx: _Index,
        X: _Side,
        O: _Side,  # noqa: E741
        ratio: FloatArray,
    ) -> None:
        """Cut X's move back where it would shift the outcome on X's supplied issue past its
        partner O's position there; O's move follows (``ΔO_t = ratio ΔO_d``)."""
        d, t = X.sup[idx], O.sup[idx]
        den_d, w_x, x_x = self.den[d], X.w_sup[idx], X.x_sup[idx]
        base = self.num[d] + X.upd_num[idx]
        target = O.x_dem[idx]
        pos = X.pos[idx]
        d0 = target - (base + w_x * (pos - x_x)) / den_d
        d1 = target - (base + w_x * (X.y[idx] - x_x)) / den_d
        d0 = np.where(np.abs(d0) <= _AT, 0.0, d0)
        d1 = np.where(np.abs(d1) <= _AT, 0.0, d1)
        cut = ~(((d0 >= 0) & (d1 >= 0)) | ((d0 <= 0) & (d1 <= 0)))
        if not cut.any():
            return
        idx, d, t, den_d, w_x, x_x = idx[cut], d[cut], t[cut], den_d[cut], w_x[cut], x_x[cut]
        base, target, pos, ratio = base[cut], target[cut], pos[cut], ratio[cut]
        own = X.upd_self[idx]
        own = np.where(np.isnan(own), pos, own)
        delta = np.abs((target * den_d - (base + w_x * (own - x_x))) / w_x)
        r_d = delta * w_x / den_d
        r_t = r_d * ratio
        mo = r_t * self.den[t] / O.w_sup[idx]
        O.cur[idx] = np.where(O.pos[idx] > X.x_dem[idx], -mo, mo)
        X.cur[idx] = np.where(pos > target, -delta, delta)
        O.y[idx] = O.pos[idx] + O.cur[idx]
        X.y[idx] = pos + X.cur[idx]
        self.gain[idx] = np.abs(r_t * O.s_sup[idx] - r_d * O.s_dem[idx])

    def note(self, idx: _Index, side: _Side, who: int, y: float, start: float, issue: int) -> None:
        """Candidates ``idx`` note that actor ``who`` moved to ``y`` on ``side``'s supplied
        ``issue``. A second note keeps, as decide's ``update_updates`` does, the smaller of the
        old and new position when the old one is at or right of ``start``, else the larger."""
        old = side.upd[idx, who]
        new = np.where(
            np.isnan(old), y, np.where(start <= old, np.minimum(old, y), np.maximum(old, y))
        )
        side.upd[idx, who] = new
        own = side.actor[idx] == who
        side.upd_self[idx[own]] = new[own]
        other = ~own
        prev = np.where(np.isnan(old), self.x[who, issue], old)
        side.upd_num[idx[other]] += self.w[who, issue] * (new[other] - prev[other])

    def run(self) -> tuple[FloatArray, int]:
        """The greedy: returns the voting positions and the number of exchanges made."""
        I, J, m = self.I, self.J, self.m  # noqa: E741
        k = self.p.size
        vote = self.x.copy()
        if k == 0:
            return vote, 0
        self.calc(np.arange(k))
        live = self.valid.copy()
        score = np.where(live, self.gain, -np.inf)
        sup_i = _Lookup(I.actor * m + I.sup, self.n * m)
        sup_j = _Lookup(J.actor * m + J.sup, self.n * m)
        dem_i = _Lookup(I.actor * m + I.dem, self.n * m)
        dem_j = _Lookup(J.actor * m + J.dem, self.n * m)
        made = 0
        while True:
            top = score.max()
            if top == -np.inf:
                break
            r = int(np.argmax(score >= top * (1 - _TIE)))
            live[r] = False
            score[r] = -np.inf
            made += 1
            ri, rj, rp, rq = int(I.actor[r]), int(J.actor[r]), int(self.p[r]), int(self.q[r])
            yi, yj = float(I.y[r]), float(J.y[r])
            vote[ri, rq], vote[rj, rp] = yi, yj
            s_ri, s_rj, d_ri, d_rj = ri * m + rq, rj * m + rp, ri * m + rp, rj * m + rq
            touched = []
            for side, look, key, y in (
                (I, sup_i, s_ri, yi),
                (I, sup_i, s_rj, yj),
                (J, sup_j, s_ri, yi),
                (J, sup_j, s_rj, yj),
            ):
                idx = look.get(key)
                idx = idx[live[idx]]
                if idx.size:  # continue from the moved position; keep the old move
                    cur = side.cur[idx]
                    side.rmin[idx] = np.minimum(side.rmin[idx], cur)
                    side.rmax[idx] = np.maximum(side.rmax[idx], cur)
                    side.rsum[idx] += cur
                    side.pos[idx] = y
                    touched.append(idx)
            for look, side, key, who, y, issue in (
                (dem_j, I, d_rj, ri, yi, rq),
                (dem_i, J, d_rj, ri, yi, rq),
                (dem_j, I, d_ri, rj, yj, rp),
                (dem_i, J, d_ri, rj, yj, rp),
            ):
                idx = look.get(key)
                idx = idx[live[idx]]
                if idx.size:
                    self.note(idx, side, who, y, float(self.x[who, issue]), issue)
                    touched.append(idx)
            if not touched:
                continue
            idx = np.unique(np.concatenate(touched))
            self.calc(idx)
            live[idx] = self.valid[idx]
            score[idx] = np.where(live[idx], self.gain[idx], -np.inf)
        return vote, made


def decide_round(x: FloatArray, s: FloatArray, c: FloatArray) -> tuple[FloatArray, FloatArray, int]:
    """One round on a 0-100 scale: the voting positions, the next round's start positions
    and the number of exchanges made."""
    x = np.asarray(x, dtype=np.float64)
    n, m = x.shape
    if n < 2 or m < 2:
        return x.copy(), x.copy(), 0
    vote, made = _Round(x, np.asarray(s, dtype=np.float64), np.asarray(c, dtype=np.float64)).run()
    share = (1 - s) * _SALIENCE_WEIGHT + _FIXED_WEIGHT
    start = np.where(np.isnan(x), x, x + share * (vote - x))
    return vote, start, made
