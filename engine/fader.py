"""A black card in front of the eyes, faded to hide scene swaps.

It hangs on the head anchor (so it covers both eyes in a headset as well as
the desktop camera), draws last without depth test, and is hidden when fully
transparent so it costs nothing in normal frames.
"""

from __future__ import annotations

from typing import Any

from panda3d.core import CardMaker, NodePath, TransparencyAttrib


class Fader:
    def __init__(self, base: Any, head: NodePath) -> None:
        cm = CardMaker("fader")
        cm.setFrame(-4, 4, -4, 4)
        self.card: NodePath = head.attachNewNode(cm.generate())
        self.card.setPos(0, 0.05, 0)  # 5 cm ahead: beyond the 3 cm near plane
        self.card.setColor(0, 0, 0, 1)
        self.card.setTransparency(TransparencyAttrib.MAlpha)
        self.card.setBin("fixed", 1000)
        self.card.setDepthTest(False)
        self.card.setDepthWrite(False)
        self.card.setLightOff(1)
        self.card.setShaderOff(1)
        self.card.setTwoSided(True)
        self.alpha = 0.0
        self._rate = 0.0  # alpha per second; >0 fading out, <0 fading in
        self.card.setAlphaScale(0.0)
        self.card.hide()

    @property
    def busy(self) -> bool:
        return self._rate != 0.0

    def fade_out(self, seconds: float) -> None:
        self._rate = 1.0 / max(seconds, 1e-3)
        self.card.show()

    def fade_in(self, seconds: float) -> None:
        self._rate = -1.0 / max(seconds, 1e-3)

    def clear(self) -> None:
        """Fully transparent now, no fade (a cut)."""
        self._rate = 0.0
        self.alpha = 0.0
        self.card.setAlphaScale(0.0)
        self.card.hide()

    def update(self, dt: float) -> bool:
        """Advance; returns True on the frame the screen became fully black."""
        if self._rate == 0.0:
            return False
        self.alpha = min(1.0, max(0.0, self.alpha + self._rate * dt))
        self.card.setAlphaScale(self.alpha)
        if self._rate > 0 and self.alpha >= 1.0:
            self._rate = 0.0
            return True
        if self._rate < 0 and self.alpha <= 0.0:
            self._rate = 0.0
            self.card.hide()
        return False
