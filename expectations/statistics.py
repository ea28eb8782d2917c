"""The gate's statistics: a comparison of two groups, and a lagged correlation with bookings.

Well-kept implementations only (docs/revenue_gate.md, "Evidence"): Newcombe's hybrid score interval
for a difference of proportions and the log-adjusted interval for their ratio (statsmodels),
Fisher's exact test (scipy), power for "how much more data decides" (statsmodels), and for series
a rank correlation of AR(1)-prewhitened months (statsmodels) with a permutation p-value and a
Fisher-z interval (scipy). Nothing here knows about metrics or SQL: counts and arrays in, numbers
out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_effectsize
from statsmodels.tsa.ar_model import AutoReg

# Seeded: the same series give the same permutation p-value on every run (bit-stable verdicts).
PERMUTATION_SEED = 20261201
PERMUTATIONS = 9999


@dataclass(frozen=True)
class Comparison:
    """The good side against the others: share of each reaching revenue, and their difference."""

    good_n: int
    good_reached: int
    other_n: int
    other_reached: int
    difference: float  # good share - other share
    difference_low: float
    difference_high: float
    lift: float | None  # good share / other share
    lift_low: float | None
    lift_high: float | None
    p_value: float  # one-sided: the good side reaches revenue more often
    rules_out_meaningful: bool  # the interval excludes a link of the meaningful size
    good_side_needed: int | None  # entities on the good side that would decide (80% power)

    @property
    def good_share(self) -> float:
        return self.good_reached / self.good_n

    @property
    def other_share(self) -> float:
        return self.other_reached / self.other_n


def compare_proportions(
    good_reached: int,
    good_n: int,
    other_reached: int,
    other_n: int,
    alpha: float,
    meaningful_lift: float,
    with_power: bool = True,
) -> Comparison:
    """Newcombe interval of the difference, log-adjusted interval of the ratio, Fisher's p; with
    ``with_power``, the good-side entities that would decide (a power calculation)."""
    low, high = confint_proportions_2indep(
        good_reached, good_n, other_reached, other_n, method="newcomb", compare="diff", alpha=alpha
    )
    difference = good_reached / good_n - other_reached / other_n
    lift = lift_low = lift_high = None
    if other_reached > 0:
        lift = (good_reached / good_n) / (other_reached / other_n)
        if good_reached > 0:
            lift_low, lift_high = confint_proportions_2indep(
                good_reached,
                good_n,
                other_reached,
                other_n,
                method="log-adjusted",
                compare="ratio",
                alpha=alpha,
            )
    table = [[good_reached, good_n - good_reached], [other_reached, other_n - other_reached]]
    p_value = stats.fisher_exact(table, alternative="greater").pvalue
    reference, meaningful_difference = _meaningful(other_reached, other_n, meaningful_lift)
    return Comparison(
        good_n,
        good_reached,
        other_n,
        other_reached,
        difference,
        float(low),
        float(high),
        lift,
        None if lift_low is None else float(lift_low),
        None if lift_high is None else float(lift_high),
        float(p_value),
        float(high) < meaningful_difference,
        _needed(reference, reference + meaningful_difference, other_n / good_n, alpha)
        if with_power
        else None,
    )


def _meaningful(other_reached: int, other_n: int, meaningful_lift: float) -> tuple[float, float]:
    """The others' share, and the difference worth acting on: the good side misses revenue, or
    reaches it, meaningful_lift times less rarely than the others: a lift on the rarer outcome
    (1.5x a 2% rate; a third fewer churns at 99% retention). Half an event stands in for an
    empty side (the size stays finite)."""
    reference = min(max(other_reached, 0.5), other_n - 0.5) / other_n
    return reference, (meaningful_lift - 1) * min(reference, 1 - reference)


def compare_clustered(
    good: np.ndarray,
    reached: np.ndarray,
    clusters: np.ndarray,
    alpha: float,
    meaningful_lift: float,
    with_power: bool = True,
) -> Comparison:
    """The good side against the others when entities share their outcome by cluster (tickets of
    one account share its renewal): the difference of shares as a linear probability model with
    cluster-robust errors and t on clusters - 1 degrees of freedom (statsmodels), so a hundred
    tickets of one account weigh as one account's evidence. When nobody's outcome varies there is
    nothing for the clusters to share: the plain comparison."""
    good_n, other_n = int(good.sum()), int((~good).sum())
    good_reached, other_reached = int(reached[good].sum()), int(reached[~good].sum())
    plain = compare_proportions(
        good_reached, good_n, other_reached, other_n, alpha, meaningful_lift, with_power
    )
    if reached.all() or not reached.any():
        return plain
    design = sm.add_constant(good.astype(float))
    _, groups = np.unique(clusters, return_inverse=True)
    fit = sm.OLS(reached.astype(float), design).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
    )
    low, high = fit.conf_int(alpha)[1]
    t_value = float(fit.tvalues[1])
    if not np.isfinite(t_value):
        return plain
    two_sided = float(fit.pvalues[1])
    p_value = two_sided / 2 if t_value > 0 else 1 - two_sided / 2
    # The clusters inflate the variance by this much: as many more entities decide.
    design_effect = max(float(fit.bse[1] ** 2 / _plain_variance(plain)), 1.0)
    needed = plain.good_side_needed and math.ceil(plain.good_side_needed * design_effect)
    _, meaningful_difference = _meaningful(other_reached, other_n, meaningful_lift)
    return replace(
        plain,
        difference_low=float(low),
        difference_high=float(high),
        lift_low=None,
        lift_high=None,
        p_value=p_value,
        rules_out_meaningful=float(high) < meaningful_difference,
        good_side_needed=needed,
    )


def _plain_variance(plain: Comparison) -> float:
    """The variance of the difference of shares were every entity independent."""
    good, other = plain.good_share, plain.other_share
    variance = good * (1 - good) / plain.good_n + other * (1 - other) / plain.other_n
    return variance or float("inf")


def _needed(reference: float, target: float, ratio: float, alpha: float) -> int | None:
    """Good-side entities that detect the meaningful difference with 80% power, at this mix."""
    if not reference < target < 1:
        return None
    effect = proportion_effectsize(target, reference)
    n = NormalIndPower().solve_power(
        effect_size=effect, alpha=alpha, power=0.8, ratio=ratio, alternative="larger"
    )
    return math.ceil(n)


def certification_power(
    base: float, lift: float, counted: int, comparable: int, alpha: float
) -> tuple[float, int]:
    """The chance that a lift on ``counted`` entities at a ``base`` rate is certified, and the
    counted entities (beside as many comparable ones per counted one) for 90%: certification
    needs the two-sided (1 - alpha) interval above zero, a one-sided test at alpha / 2."""
    effect = proportion_effectsize(min(base * lift, 1.0), base)
    power = NormalIndPower()
    options = {"effect_size": effect, "alpha": alpha / 2, "alternative": "larger"}
    ratio = comparable / counted
    chance = power.power(nobs1=counted, ratio=ratio, **options)
    needed = power.solve_power(power=0.9, ratio=ratio, **options)
    return float(chance), math.ceil(needed)


@dataclass(frozen=True)
class SeriesLink:
    """An aggregate's monthly surprises against bookings' surprises some months later."""

    months: int
    lag_months: int  # the lag of the strongest correlation over the whole span
    correlation: float  # whole span, at that lag, oriented to the declared direction (ranks)
    correlation_low: float  # Fisher-z interval of the rank correlation (approximate)
    correlation_high: float
    p_value: float  # permutation of the aggregate's surprises, the lag chosen again each time
    earlier_correlation: float  # earlier half, at that lag
    later_correlation: float  # later half, at that lag
    rules_out_meaningful: bool
    months_needed: int  # months at which a meaningful correlation would be significant


def _pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson's correlation over the last axis, broadcast (0 where either does not vary)."""
    xc = x - x.mean(axis=-1, keepdims=True)
    yc = y - y.mean(axis=-1, keepdims=True)
    scale = np.sqrt((xc * xc).sum(axis=-1) * (yc * yc).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(scale > 0, (xc * yc).sum(axis=-1) / scale, 0.0)


def _by_lag(x: np.ndarray, y: np.ndarray, max_lag: int) -> np.ndarray:
    """Correlations of ``x`` with ``y`` ``lag`` months later, for lag 0..max_lag (last axis);
    ``x`` may carry leading axes (permutations)."""
    n = x.shape[-1]
    return np.stack([_pearson(x[..., : n - lag], y[lag:]) for lag in range(max_lag + 1)], axis=-1)


def _surprises(series: np.ndarray) -> np.ndarray:
    """Each month's rank among what the months before did not predict: the residuals of an AR(1)
    with a constant (statsmodels), one fewer than the months, ranked (scipy) so that one large
    deal or one empty month weighs as one month. A fitted trend besides certified 6.5% of
    planted random-walk nulls: over two years a walk looks like a trend that is not."""
    return stats.rankdata(AutoReg(series, lags=1, trend="c").fit().resid)


def series_link(
    values: list[float],
    bookings: list[float],
    sign: int,
    max_lag: int,
    alpha: float,
    meaningful_correlation: float,
) -> SeriesLink | None:
    """The strongest lagged rank correlation of the aggregate's monthly surprises with
    bookings', its permutation p-value, and the same correlation on each half of the months;
    None when too short or flat.

    Both series are prewhitened first (Box and Jenkins): a series that wanders and one flighted
    around a level both leave months independent of each other, so shuffling the aggregate's
    surprises (scipy, the lag chosen again in every shuffle) is a fair test of no link, and
    choosing among lags costs no false links. Shuffling raw monthly changes was not: the changes
    of independent months are correlated with their neighbours, and that test certified 10% of
    simulated nulls at alpha 0.05.
    """
    levels = np.asarray(values, dtype=float) * sign
    booked = np.asarray(bookings, dtype=float)
    if len(levels) // 2 - max_lag < 5 or np.std(levels) == 0 or np.std(booked) == 0:
        return None
    x, y = _surprises(levels), _surprises(booked)
    if np.std(x) == 0 or np.std(y) == 0:
        return None
    lag = int(np.argmax(_by_lag(x, y, max_lag)))
    whole = stats.pearsonr(x[: len(x) - lag], y[lag:])  # of ranks: Spearman's
    interval = whole.confidence_interval(confidence_level=1 - alpha)
    permuted = stats.permutation_test(
        (x,),
        lambda shuffled, axis: _by_lag(shuffled, y, max_lag).max(axis=-1),
        permutation_type="pairings",
        vectorized=True,
        n_resamples=PERMUTATIONS,
        alternative="greater",
        random_state=np.random.default_rng(PERMUTATION_SEED),
    )
    half = len(x) // 2
    earlier = _by_lag(x[:half], y[:half], max_lag)[lag]
    later = _by_lag(x[half:], y[half:], max_lag)[lag]
    # Fisher z: months at which a correlation of the meaningful size is significant (80% power).
    z = stats.norm.ppf(1 - alpha) + stats.norm.ppf(0.8)
    needed = math.ceil((z / math.atanh(meaningful_correlation)) ** 2 + 3) + lag + 1
    return SeriesLink(
        len(values),
        lag,
        float(whole.statistic),
        float(interval.low),
        float(interval.high),
        float(permuted.pvalue),
        float(earlier),
        float(later),
        float(interval.high) < meaningful_correlation,
        needed,
    )
