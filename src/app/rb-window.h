/* rb-window.h — the main window: run list and detail pane
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rb-backend.h"

G_BEGIN_DECLS

#define RB_TYPE_WINDOW (rb_window_get_type ())

G_DECLARE_FINAL_TYPE (RbWindow, rb_window, RB, WINDOW, AdwApplicationWindow)

/* @backend: where runs come from, or NULL with @server_url when the window
 * can only explain that remote servers are not supported yet. */
RbWindow   *rb_window_new              (GtkApplication *application,
                                        RbBackend      *backend,
                                        const char     *server_url);
RbBackend  *rb_window_get_backend      (RbWindow       *self);
/* Reloads the list (keeping the selection); also win.refresh. */
void        rb_window_refresh          (RbWindow       *self);
/* TRUE while the list is being (re)loaded. */
gboolean    rb_window_get_loading      (RbWindow       *self);
/* The runs as shown (filtered and sorted), a GtkSingleSelection of RbRun. */
GListModel *rb_window_get_run_list     (RbWindow       *self);
/* Selects the run with @run_id when listed; returns whether it was. */
gboolean    rb_window_select_run       (RbWindow       *self,
                                        const char     *run_id);
/* The selected run's id, or NULL. */
const char *rb_window_get_selected_run_id (RbWindow    *self);

G_END_DECLS
