"""A texture shown in a display region: a scaled GPU copy, not a drawing of the scene.

The headset backend draws each eye into a texture. The therapist's mirror
(``engine.mirror``) and the headset PC's own window show one eye's texture
through a :class:`TextureView`: a card with the texture in front of an
orthographic camera, in a little scene graph of its own. Drawing it costs
one textured quad, sampled with linear filtering: the GPU downscales the
eye image to the region's size.
"""

from __future__ import annotations

from panda3d.core import Camera, CardMaker, NodePath, OrthographicLens, SamplerState, Texture


class TextureView:
    """``camera`` goes to ``DisplayRegion.setCamera``; :meth:`fit` letterboxes."""

    def __init__(self, texture: Texture, name: str = "texture-view") -> None:
        self.texture = texture
        self.root = NodePath(name)
        self.root.setDepthTest(False)
        self.root.setDepthWrite(False)
        self.root.setLightOff(1)
        self.root.setShaderOff(1)
        cm = CardMaker(f"{name}-card")
        cm.setFrame(-1, 1, -1, 1)
        self.card = self.root.attachNewNode(cm.generate())
        self.card.setTexture(texture)
        self.card.setY(1.0)
        texture.setMinfilter(SamplerState.FT_linear)
        texture.setMagfilter(SamplerState.FT_linear)
        lens = OrthographicLens()
        lens.setFilmSize(2, 2)
        lens.setNearFar(0.5, 2.0)
        self.camera = self.root.attachNewNode(Camera(f"{name}-camera", lens))

    @property
    def aspect(self) -> float:
        """Width over height of the texture."""
        return self.texture.getXSize() / max(1, self.texture.getYSize())

    def fit(self, width: int, height: int) -> None:
        """Letterbox the texture into a ``width`` x ``height`` region (no stretching)."""
        region = width / max(1, height)
        if region >= self.aspect:
            self.card.setScale(self.aspect / region, 1, 1)
        else:
            self.card.setScale(1, 1, region / self.aspect)

    def destroy(self) -> None:
        self.root.removeNode()
