"""lvrongtong (绿融通): open platform for the digital side of green finance."""

__version__ = "0.1.0"
