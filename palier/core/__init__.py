"""The floor: pure pieces every layer may use (wire messages, keys, line reader).

Nothing here imports Panda3D, Qt or any other palier package.
"""
