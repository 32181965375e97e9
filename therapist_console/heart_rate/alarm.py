"""The heart-rate alarm: a per-patient ceiling and a sustained-rate rule.

The ceiling is a fraction (set by the clinician) of the age-predicted
maximum heart rate of Tanaka, Monahan and Seals (J Am Coll Cardiol
2001;37:153-156): 208 - 0.7 x age, rather than 220 - age, which
underestimates it in older adults. The formula's standard error of the
estimate is about 10 bpm: one patient's true maximum may be 10-20 bpm away,
so the help says so and a clinician may set a ceiling in bpm instead
(:attr:`AlarmSettings.ceiling_bpm`, used when no age is given).

The alarm raises when every sample for :attr:`AlarmSettings.sustain_s`
seconds is above the ceiling (a single fast beat or a short burst does not),
and clears when the rate has been below the ceiling minus a hysteresis for
the same time. A gap in the samples (the sensor dropped) restarts the count.
It informs the therapist: it never acts on the patient.
"""

from __future__ import annotations

from dataclasses import dataclass

TANAKA_SPREAD_BPM = 10.0
"""About one standard error of Tanaka's estimate, said in the help."""
DEFAULT_FRACTION = 0.85
DEFAULT_CEILING_BPM = 150.0
DEFAULT_SUSTAIN_S = 15.0
HYSTERESIS_BPM = 5.0
MAX_SAMPLE_GAP_S = 5.0
"""Samples further apart than this do not make a sustained run."""


def tanaka_max_hr(age_years: float) -> float:
    """Age-predicted maximum heart rate, bpm (Tanaka et al. 2001)."""
    return 208.0 - 0.7 * age_years


class AlarmSettingsError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class AlarmSettings:
    age_years: float | None = None
    fraction: float = DEFAULT_FRACTION
    """Of the age-predicted maximum (used with an age)."""
    ceiling_bpm: float = DEFAULT_CEILING_BPM
    """Used when no age is given."""
    sustain_s: float = DEFAULT_SUSTAIN_S
    enabled: bool = True

    def __post_init__(self) -> None:
        if self.age_years is not None and not (1 <= self.age_years <= 120):
            raise AlarmSettingsError(f"age must be 1-120 years, got {self.age_years}")
        if not (0.3 <= self.fraction <= 1.0):
            raise AlarmSettingsError(f"fraction must be 0.3-1.0, got {self.fraction}")
        if not (60 <= self.ceiling_bpm <= 230):
            raise AlarmSettingsError(f"ceiling must be 60-230 bpm, got {self.ceiling_bpm}")
        if not (1 <= self.sustain_s <= 600):
            raise AlarmSettingsError(f"sustain time must be 1-600 s, got {self.sustain_s}")

    @property
    def ceiling(self) -> float:
        if self.age_years is not None:
            return round(self.fraction * tanaka_max_hr(self.age_years), 1)
        return self.ceiling_bpm

    def to_dict(self) -> dict[str, float | bool | None]:
        return {
            "age_years": self.age_years,
            "fraction": self.fraction,
            "ceiling_bpm": self.ceiling_bpm,
            "sustain_s": self.sustain_s,
            "enabled": self.enabled,
            "ceiling": self.ceiling,
        }


@dataclass(frozen=True, slots=True)
class AlarmChange:
    t: float
    raised: bool
    """True: the alarm went off; False: it cleared."""
    bpm: float
    ceiling: float
    since: float
    """When the run that made the change began."""


class HeartRateAlarm:
    def __init__(self, settings: AlarmSettings | None = None) -> None:
        self.settings = settings or AlarmSettings()
        self.active = False
        self._run_start: float | None = None
        self._last_t: float | None = None

    def configure(self, settings: AlarmSettings) -> None:
        self.settings = settings
        self._run_start = None

    def gap(self) -> None:
        """The sensor dropped: no sustained run spans it."""
        self._run_start = None
        self._last_t = None

    def feed(self, t: float, bpm: float) -> AlarmChange | None:
        s = self.settings
        if not s.enabled:
            if self.active:
                self.active = False
                return AlarmChange(t, False, bpm, s.ceiling, t)
            return None
        if self._last_t is not None and t - self._last_t > MAX_SAMPLE_GAP_S:
            self._run_start = None
        self._last_t = t
        ceiling = s.ceiling
        # Raising: above the ceiling; clearing: below it by the hysteresis.
        counts = bpm > ceiling if not self.active else bpm < ceiling - HYSTERESIS_BPM
        if not counts:
            self._run_start = None
            return None
        if self._run_start is None:
            self._run_start = t
        if t - self._run_start >= s.sustain_s:
            since = self._run_start
            self.active = not self.active
            self._run_start = None
            return AlarmChange(t, self.active, bpm, ceiling, since)
        return None
