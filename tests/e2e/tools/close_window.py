#!/usr/bin/env python3
"""Closes a window the way a window manager's close button does: a WM_DELETE_WINDOW client
message (the e2e display runs no window manager). Usage: close_window.py TITLE

WebDriver's "close window" cannot stand in for it: the driver ends its session at once, while a
real close button lets the app ask first."""

import ctypes
import re
import subprocess
import sys

CLIENT_MESSAGE = 33


class ClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("l", ctypes.c_long * 5),
    ]


class XEvent(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]


def windows_titled(title):
    """Top-level windows with this title that are big enough to be an app's main window."""
    tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True, check=True).stdout
    pattern = re.compile(r'^\s*(0x[0-9a-f]+) "' + re.escape(title) + r'": .*?(\d+)x(\d+)')
    return [int(m.group(1), 16) for m in map(pattern.match, tree.splitlines()) if m and int(m.group(2)) >= 400]


def main():
    title = sys.argv[1]
    targets = windows_titled(title)
    if not targets:
        sys.exit(f"no window titled {title!r}")
    x = ctypes.cdll.LoadLibrary("libX11.so.6")
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    x.XFlush.argtypes = [ctypes.c_void_p]
    display = x.XOpenDisplay(None)
    if not display:
        sys.exit("cannot open the display")
    for window in targets:
        event = XEvent()
        event.xclient.type = CLIENT_MESSAGE
        event.xclient.window = window
        event.xclient.message_type = x.XInternAtom(display, b"WM_PROTOCOLS", 0)
        event.xclient.format = 32
        event.xclient.l[0] = x.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
        x.XSendEvent(display, window, 0, 0, ctypes.byref(event))
    x.XFlush(display)


if __name__ == "__main__":
    main()
