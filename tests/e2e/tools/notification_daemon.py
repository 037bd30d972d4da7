#!/usr/bin/python3
"""A minimal desktop notification server (org.freedesktop.Notifications, the D-Bus service a
desktop's notification daemon provides), so the app's OS notifications can be observed under Xvfb.
Each Notify call is appended to the file named by the first argument as one JSON line
({"id", "app", "summary", "body", "actions"}). The test-only method ClickForTest(id) emits
ActionInvoked(id, "default"), which is what a daemon sends when the user clicks a notification.
Needs python3-gi.

Usage: notification_daemon.py RECORD_FILE   (runs until killed)"""

import json
import sys

from gi.repository import Gio, GLib

INTERFACE = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <method name="ClickForTest"><arg type="u" direction="in"/></method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
</node>
"""

PATH = "/org/freedesktop/Notifications"
IFACE = "org.freedesktop.Notifications"
record_file = sys.argv[1]
next_id = [0]


def on_call(connection, sender, path, interface, method, params, invocation):
    if method == "Notify":
        app, _replaces, _icon, summary, body, actions, _hints, _timeout = params.unpack()
        next_id[0] += 1
        with open(record_file, "a") as f:
            line = {"id": next_id[0], "app": app, "summary": summary, "body": body, "actions": actions}
            f.write(json.dumps(line) + "\n")
        invocation.return_value(GLib.Variant("(u)", (next_id[0],)))
    elif method == "GetCapabilities":
        invocation.return_value(GLib.Variant("(as)", (["actions", "body"],)))
    elif method == "GetServerInformation":
        invocation.return_value(GLib.Variant("(ssss)", ("grove-test", "grove", "1", "1.2")))
    elif method == "ClickForTest":
        (nid,) = params.unpack()
        connection.emit_signal(None, PATH, IFACE, "ActionInvoked", GLib.Variant("(us)", (nid, "default")))
        connection.emit_signal(None, PATH, IFACE, "NotificationClosed", GLib.Variant("(uu)", (nid, 2)))
        invocation.return_value(None)
    else:
        invocation.return_value(None)


def on_bus(connection, name):
    node = Gio.DBusNodeInfo.new_for_xml(INTERFACE)
    connection.register_object(PATH, node.interfaces[0], on_call, None, None)


Gio.bus_own_name(Gio.BusType.SESSION, IFACE, Gio.BusNameOwnerFlags.NONE, on_bus, None, None)
GLib.MainLoop().run()
