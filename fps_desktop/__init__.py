"""FPS Desktop: the finance office's print station."""

__version__ = "0.1.0"
APP_NAME = "fps-desktop"
APP_DISPLAY_NAME = "FPS Desktop"
