/* rb-preferences-window.h — where runs come from, and telemetry generation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RB_TYPE_PREFERENCES_WINDOW (rb_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (RbPreferencesWindow, rb_preferences_window, RB, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Every row is bound to @settings (the io.github.runboard.Runboard
 * schema): backend, data-directory, server-url and
 * telemetry-generation-enabled. */
RbPreferencesWindow *rb_preferences_window_new (GtkWindow *parent,
                                                GSettings *settings);

G_END_DECLS
