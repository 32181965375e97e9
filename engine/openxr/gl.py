"""The OpenGL context Panda3D made current: its native handles, and a blit.

Through ctypes on the system's OpenGL libraries (no PyOpenGL: pyopenxr
switches PyOpenGL's platform to GLX when it is imported, which would be
wrong under Panda3D's EGL pipe). Everything here must run on the thread
where Panda3D's context is current: in a display region's draw callback, in
single-threaded rendering, the main thread.

* :func:`current_context` names the context for the OpenXR graphics binding:
  GLX (``XrGraphicsBindingOpenGLXlibKHR``), EGL (``XrGraphicsBindingEGLMNDX``)
  or WGL (``XrGraphicsBindingOpenGLWin32KHR``).
* :class:`Blitter` copies a texture into another (Panda3D's eye image into the
  runtime's swapchain image, both GL texture names) with
  ``glBlitFramebuffer`` through two framebuffer objects of its own, and puts
  back every piece of GL state it touched, so Panda3D's own state tracking
  stays true.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from dataclasses import dataclass
from typing import Any

GL_FRAMEBUFFER_BINDING_DRAW = 0x8CA6  # GL_DRAW_FRAMEBUFFER_BINDING
GL_FRAMEBUFFER_BINDING_READ = 0x8CAA  # GL_READ_FRAMEBUFFER_BINDING
GL_READ_FRAMEBUFFER = 0x8CA8
GL_DRAW_FRAMEBUFFER = 0x8CA9
GL_COLOR_ATTACHMENT0 = 0x8CE0
GL_FRAMEBUFFER_COMPLETE = 0x8CD5
GL_TEXTURE_2D = 0x0DE1
GL_COLOR_BUFFER_BIT = 0x4000
GL_NEAREST = 0x2600
GL_LINEAR = 0x2601
GL_SCISSOR_TEST = 0x0C11
GL_FRAMEBUFFER_SRGB = 0x8DB9
GL_COLOR_WRITEMASK = 0x0C23
GL_READ_BUFFER = 0x0C02
GL_DRAW_BUFFER = 0x0C01
GL_PACK_ALIGNMENT = 0x0D05
GL_RGBA = 0x1908
GL_UNSIGNED_BYTE = 0x1401
GL_NO_ERROR = 0

EGL_CONFIG_ID = 0x3028
EGL_NONE = 0x3038
EGL_DRAW = 0x3059
EGL_READ = 0x305A
GLX_SCREEN = 0x800C
GLX_FBCONFIG_ID = 0x8013
GLX_VISUAL_ID = 0x800B


class GLError(RuntimeError):
    """No current context, a missing function, or a GL call that failed."""


def _load(names: tuple[str, ...]) -> ctypes.CDLL | None:
    for name in names:
        path = ctypes.util.find_library(name) or name
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    return None


@dataclass(frozen=True, slots=True)
class NativeContext:
    """The current context's handles, as the OpenXR graphics bindings want them."""

    api: str
    """``"glx"``, ``"egl"`` or ``"wgl"``."""
    display: int = 0
    """GLX: the X ``Display*``; EGL: the ``EGLDisplay``; WGL: the ``HDC``."""
    context: int = 0
    """``GLXContext``, ``EGLContext`` or ``HGLRC``."""
    drawable: int = 0
    """GLX only: the current ``GLXDrawable``."""
    config: int = 0
    """GLX: the ``GLXFBConfig``; EGL: the ``EGLConfig`` (0 when none is found)."""
    visual_id: int = 0
    """GLX only: the X visual of that config."""
    get_proc_address: Any = None
    """EGL only: ``eglGetProcAddress`` itself (a ctypes function)."""
    draw_surface: int = 0
    read_surface: int = 0
    """EGL only: the surfaces current with the context (to make it current again)."""


def current_context(prefer: str | None = None) -> NativeContext:
    """The handles of the context current on this thread. ``prefer`` (``"egl"``
    or ``"glx"``) is asked first on Linux, where both may be loaded."""
    if sys.platform == "win32":
        return _wgl_context()
    order = ("egl", "glx") if prefer != "glx" else ("glx", "egl")
    for api in order:
        found = _egl_context() if api == "egl" else _glx_context()
        if found is not None:
            return found
    raise GLError("no OpenGL context is current on this thread")


def _egl_context() -> NativeContext | None:
    egl = _load(("EGL", "libEGL.so.1"))
    if egl is None:
        return None
    egl.eglGetCurrentDisplay.restype = ctypes.c_void_p
    egl.eglGetCurrentContext.restype = ctypes.c_void_p
    display = egl.eglGetCurrentDisplay()
    context = egl.eglGetCurrentContext()
    if not display or not context:
        return None
    egl.eglQueryContext.argtypes = [
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_int32,
        ctypes.POINTER(ctypes.c_int32),
    ]
    egl.eglChooseConfig.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_int32),
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.c_int32,
        ctypes.POINTER(ctypes.c_int32),
    ]
    config_id = ctypes.c_int32(0)
    config = ctypes.c_void_p(0)
    if egl.eglQueryContext(display, context, EGL_CONFIG_ID, ctypes.byref(config_id)):
        attribs = (ctypes.c_int32 * 3)(EGL_CONFIG_ID, config_id.value, EGL_NONE)
        count = ctypes.c_int32(0)
        egl.eglChooseConfig(display, attribs, ctypes.byref(config), 1, ctypes.byref(count))
        if count.value < 1:
            config = ctypes.c_void_p(0)
    egl.eglGetCurrentSurface.restype = ctypes.c_void_p
    egl.eglGetCurrentSurface.argtypes = [ctypes.c_int32]
    return NativeContext(
        "egl",
        display=display,
        context=context,
        config=config.value or 0,
        get_proc_address=egl.eglGetProcAddress,
        draw_surface=egl.eglGetCurrentSurface(EGL_DRAW) or 0,
        read_surface=egl.eglGetCurrentSurface(EGL_READ) or 0,
    )


def _glx_context() -> NativeContext | None:
    glx = _load(("GL", "libGL.so.1", "GLX", "libGLX.so.0"))
    if glx is None:
        return None
    for name in ("glXGetCurrentDisplay", "glXGetCurrentContext"):
        getattr(glx, name).restype = ctypes.c_void_p
    glx.glXGetCurrentDrawable.restype = ctypes.c_ulong
    display = glx.glXGetCurrentDisplay()
    context = glx.glXGetCurrentContext()
    if not display or not context:
        return None
    drawable = glx.glXGetCurrentDrawable()
    glx.glXQueryContext.argtypes = [
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_int),
    ]
    glx.glXChooseFBConfig.restype = ctypes.POINTER(ctypes.c_void_p)
    glx.glXChooseFBConfig.argtypes = [
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_int),
    ]
    glx.glXGetFBConfigAttrib.argtypes = [
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_int),
    ]
    config, visual = 0, 0
    screen, fb_id = ctypes.c_int(0), ctypes.c_int(0)
    if glx.glXQueryContext(display, context, GLX_FBCONFIG_ID, ctypes.byref(fb_id)) == 0:
        glx.glXQueryContext(display, context, GLX_SCREEN, ctypes.byref(screen))
        attribs = (ctypes.c_int * 3)(GLX_FBCONFIG_ID, fb_id.value, 0)
        count = ctypes.c_int(0)
        configs = glx.glXChooseFBConfig(display, screen.value, attribs, ctypes.byref(count))
        if configs and count.value > 0:
            config = configs[0] or 0
            vid = ctypes.c_int(0)
            if glx.glXGetFBConfigAttrib(display, config, GLX_VISUAL_ID, ctypes.byref(vid)) == 0:
                visual = vid.value
        # The array from glXChooseFBConfig is Xlib's to free; it is a few bytes, once.
    return NativeContext(
        "glx",
        display=display,
        context=context,
        drawable=drawable,
        config=config,
        visual_id=visual,
    )


def _wgl_context() -> NativeContext:
    opengl32 = ctypes.WinDLL("opengl32")  # type: ignore[attr-defined,unused-ignore]
    opengl32.wglGetCurrentDC.restype = ctypes.c_void_p
    opengl32.wglGetCurrentContext.restype = ctypes.c_void_p
    dc, context = opengl32.wglGetCurrentDC(), opengl32.wglGetCurrentContext()
    if not dc or not context:
        raise GLError("no OpenGL context is current on this thread")
    return NativeContext("wgl", display=dc, context=context)


def make_current(native: NativeContext) -> bool:
    """Make ``native`` current on this thread again if another context (or
    none) is; True when it is current afterwards. For teardown outside a
    draw callback: the runtime deletes its swapchain textures in this context."""
    if native.api == "egl":
        egl = _load(("EGL", "libEGL.so.1"))
        if egl is None:
            return False
        egl.eglGetCurrentContext.restype = ctypes.c_void_p
        if egl.eglGetCurrentContext() == native.context:
            return True
        egl.eglMakeCurrent.argtypes = [ctypes.c_void_p] * 4
        return bool(
            egl.eglMakeCurrent(
                native.display,
                native.draw_surface or None,
                native.read_surface or None,
                native.context,
            )
        )
    if native.api == "glx":
        glx = _load(("GL", "libGL.so.1"))
        if glx is None:
            return False
        glx.glXGetCurrentContext.restype = ctypes.c_void_p
        if glx.glXGetCurrentContext() == native.context:
            return True
        glx.glXMakeCurrent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_void_p]
        return bool(glx.glXMakeCurrent(native.display, native.drawable, native.context))
    opengl32 = ctypes.WinDLL("opengl32")  # type: ignore[attr-defined,unused-ignore]
    opengl32.wglGetCurrentContext.restype = ctypes.c_void_p
    if opengl32.wglGetCurrentContext() == native.context:
        return True
    opengl32.wglMakeCurrent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    return bool(opengl32.wglMakeCurrent(native.display, native.context))


# -- functions -------------------------------------------------------------------------
_VOID = None
_SIGNATURES: dict[str, tuple[Any, tuple[Any, ...]]] = {
    "glGetError": (ctypes.c_uint, ()),
    "glGetIntegerv": (_VOID, (ctypes.c_uint, ctypes.POINTER(ctypes.c_int))),
    "glIsEnabled": (ctypes.c_ubyte, (ctypes.c_uint,)),
    "glEnable": (_VOID, (ctypes.c_uint,)),
    "glDisable": (_VOID, (ctypes.c_uint,)),
    "glGetBooleanv": (_VOID, (ctypes.c_uint, ctypes.POINTER(ctypes.c_ubyte))),
    "glColorMask": (_VOID, (ctypes.c_ubyte,) * 4),
    "glPixelStorei": (_VOID, (ctypes.c_uint, ctypes.c_int)),
    "glReadPixels": (
        _VOID,
        (ctypes.c_int,) * 4 + (ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p),
    ),
    "glReadBuffer": (_VOID, (ctypes.c_uint,)),
    "glDrawBuffer": (_VOID, (ctypes.c_uint,)),
    "glGenFramebuffers": (_VOID, (ctypes.c_int, ctypes.POINTER(ctypes.c_uint))),
    "glDeleteFramebuffers": (_VOID, (ctypes.c_int, ctypes.POINTER(ctypes.c_uint))),
    "glBindFramebuffer": (_VOID, (ctypes.c_uint, ctypes.c_uint)),
    "glFramebufferTexture2D": (
        _VOID,
        (ctypes.c_uint, ctypes.c_uint, ctypes.c_uint, ctypes.c_uint, ctypes.c_int),
    ),
    "glCheckFramebufferStatus": (ctypes.c_uint, (ctypes.c_uint,)),
    "glBlitFramebuffer": (_VOID, (ctypes.c_int,) * 8 + (ctypes.c_uint, ctypes.c_uint)),
}
_CORE_1_1 = frozenset(
    {
        "glGetError",
        "glGetIntegerv",
        "glIsEnabled",
        "glEnable",
        "glDisable",
        "glGetBooleanv",
        "glColorMask",
        "glPixelStorei",
        "glReadPixels",
        "glReadBuffer",
        "glDrawBuffer",
    }
)


class GLFunctions:
    """The few GL entry points the blit needs, resolved for the current context."""

    def __init__(self, native: NativeContext) -> None:
        self._fns: dict[str, Any] = {}
        lookup = _proc_lookup(native)
        for name, (restype, argtypes) in _SIGNATURES.items():
            address = lookup(name)
            if not address:
                raise GLError(f"the OpenGL driver has no {name}")
            prototype = ctypes.CFUNCTYPE(restype, *argtypes)
            self._fns[name] = prototype(address)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fns[name]
        except KeyError:
            raise AttributeError(name) from None


def _proc_lookup(native: NativeContext) -> Any:
    if native.api == "egl":
        egl = _load(("EGL", "libEGL.so.1"))
        assert egl is not None
        egl.eglGetProcAddress.restype = ctypes.c_void_p
        egl.eglGetProcAddress.argtypes = [ctypes.c_char_p]
        return lambda name: egl.eglGetProcAddress(name.encode())
    if native.api == "glx":
        lib = _load(("GL", "libGL.so.1"))
        assert lib is not None
        lib.glXGetProcAddressARB.restype = ctypes.c_void_p
        lib.glXGetProcAddressARB.argtypes = [ctypes.c_char_p]
        return lambda name: lib.glXGetProcAddressARB(name.encode())
    opengl32 = ctypes.WinDLL("opengl32")  # type: ignore[attr-defined,unused-ignore]
    opengl32.wglGetProcAddress.restype = ctypes.c_void_p
    opengl32.wglGetProcAddress.argtypes = [ctypes.c_char_p]

    def wgl(name: str) -> int | None:
        if name in _CORE_1_1:  # wglGetProcAddress gives only what came after GL 1.1
            return ctypes.cast(getattr(opengl32, name), ctypes.c_void_p).value
        return opengl32.wglGetProcAddress(name.encode())

    return wgl


class Blitter:
    """Texture-to-texture copies through two framebuffer objects of its own.
    Make it, use it and close it with the same context current."""

    def __init__(self, native: NativeContext) -> None:
        self.gl = GLFunctions(native)
        self._fbos = (ctypes.c_uint * 2)()
        self.gl.glGenFramebuffers(2, self._fbos)
        self._check("glGenFramebuffers")
        self._closed = False

    def _check(self, what: str) -> None:
        err = self.gl.glGetError()
        if err != GL_NO_ERROR:
            raise GLError(f"{what} failed: GL error 0x{err:04X}")

    def _int(self, pname: int) -> int:
        value = ctypes.c_int(0)
        self.gl.glGetIntegerv(pname, ctypes.byref(value))
        return value.value

    def _saved(self) -> tuple[int, int, bool, bool, tuple[int, ...], int]:
        gl = self.gl
        mask = (ctypes.c_ubyte * 4)()
        gl.glGetBooleanv(GL_COLOR_WRITEMASK, mask)
        return (
            self._int(GL_FRAMEBUFFER_BINDING_DRAW),
            self._int(GL_FRAMEBUFFER_BINDING_READ),
            bool(gl.glIsEnabled(GL_SCISSOR_TEST)),
            bool(gl.glIsEnabled(GL_FRAMEBUFFER_SRGB)),
            tuple(mask),
            self._int(GL_PACK_ALIGNMENT),
        )

    def _restore(self, saved: tuple[int, int, bool, bool, tuple[int, ...], int]) -> None:
        gl = self.gl
        draw, read, scissor, srgb, mask, pack = saved
        gl.glBindFramebuffer(GL_DRAW_FRAMEBUFFER, draw)
        gl.glBindFramebuffer(GL_READ_FRAMEBUFFER, read)
        (gl.glEnable if scissor else gl.glDisable)(GL_SCISSOR_TEST)
        (gl.glEnable if srgb else gl.glDisable)(GL_FRAMEBUFFER_SRGB)
        gl.glColorMask(*mask)
        gl.glPixelStorei(GL_PACK_ALIGNMENT, pack)

    def _attach(self, target: int, fbo: int, texture: int) -> None:
        gl = self.gl
        gl.glBindFramebuffer(target, fbo)
        gl.glFramebufferTexture2D(target, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, texture, 0)
        status = gl.glCheckFramebufferStatus(target)
        if status != GL_FRAMEBUFFER_COMPLETE:
            raise GLError(f"texture {texture} cannot be a framebuffer (status 0x{status:04X})")

    def blit(
        self, source: int, size: tuple[int, int], dest: int, dest_size: tuple[int, int]
    ) -> None:
        """Copy texture ``source`` (``size``) into texture ``dest``, scaled to
        ``dest_size``; bytes unchanged (no sRGB conversion) when the sizes match."""
        gl = self.gl
        saved = self._saved()
        try:
            self._attach(GL_READ_FRAMEBUFFER, self._fbos[0], source)
            self._attach(GL_DRAW_FRAMEBUFFER, self._fbos[1], dest)
            gl.glReadBuffer(GL_COLOR_ATTACHMENT0)
            gl.glDrawBuffer(GL_COLOR_ATTACHMENT0)
            gl.glDisable(GL_SCISSOR_TEST)  # a blit is clipped by the scissor box
            gl.glDisable(GL_FRAMEBUFFER_SRGB)  # copy the bytes as they are
            gl.glColorMask(1, 1, 1, 1)
            scaled = tuple(size) != tuple(dest_size)
            gl.glBlitFramebuffer(
                0,
                0,
                size[0],
                size[1],
                0,
                0,
                dest_size[0],
                dest_size[1],
                GL_COLOR_BUFFER_BIT,
                GL_LINEAR if scaled else GL_NEAREST,
            )
            self._check("glBlitFramebuffer")
        finally:
            self._unattach()
            self._restore(saved)

    def read_rgba(self, texture: int, size: tuple[int, int]) -> bytes:
        """The texture's pixels, RGBA, bottom row first (for checks, not per frame)."""
        gl = self.gl
        saved = self._saved()
        w, h = size
        out = ctypes.create_string_buffer(w * h * 4)
        try:
            self._attach(GL_READ_FRAMEBUFFER, self._fbos[0], texture)
            gl.glReadBuffer(GL_COLOR_ATTACHMENT0)
            gl.glPixelStorei(GL_PACK_ALIGNMENT, 1)
            gl.glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, out)
            self._check("glReadPixels")
        finally:
            self._unattach()
            self._restore(saved)
        return out.raw

    def _unattach(self) -> None:
        gl = self.gl
        for target, fbo in (
            (GL_READ_FRAMEBUFFER, self._fbos[0]),
            (GL_DRAW_FRAMEBUFFER, self._fbos[1]),
        ):
            gl.glBindFramebuffer(target, fbo)
            gl.glFramebufferTexture2D(target, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, 0, 0)
        gl.glGetError()  # a failed attach above has already been reported

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.gl.glDeleteFramebuffers(2, self._fbos)
