/* rb-run-detail.h — the detail pane for one run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "rb-backend.h"
#include "rb-run.h"

G_BEGIN_DECLS

#define RB_TYPE_RUN_DETAIL (rb_run_detail_get_type ())

G_DECLARE_FINAL_TYPE (RbRunDetail, rb_run_detail, RB, RUN_DETAIL, GtkWidget)

GtkWidget  *rb_run_detail_new          (void);
/* "Select a Run" */
void        rb_run_detail_show_empty   (RbRunDetail  *self);
void        rb_run_detail_show_loading (RbRunDetail  *self);
/* @run: a run with detail (rb_backend_get_run_finish()) */
void        rb_run_detail_show_run     (RbRunDetail  *self,
                                        RbRun        *run);
/* Run Not Found, a broken run's diagnostic, or another failure. */
void        rb_run_detail_show_error   (RbRunDetail  *self,
                                        const char   *run_id,
                                        const GError *error);
/* The run shown, or NULL. */
RbRun      *rb_run_detail_get_run      (RbRunDetail  *self);
/* "empty", "loading", "run" or "problem" */
const char *rb_run_detail_get_state    (RbRunDetail  *self);

/* Whether Generate Telemetry is offered at all (the setting and the
 * backend's capabilities): FALSE hides its rows and buttons. */
void        rb_run_detail_set_generation_allowed (RbRunDetail *self,
                                                  gboolean     allowed);
gboolean    rb_run_detail_get_generation_allowed (RbRunDetail *self);

/* Where the Series section reads series (and a replay's source run)
 * from; without one the section only lists the topology nodes. */
void        rb_run_detail_set_backend  (RbRunDetail  *self,
                                        RbBackend    *backend);
/* Whether the Series section is still reading the selected node's series
 * or its source run's overlay. */
gboolean    rb_run_detail_get_series_loading (RbRunDetail *self);

G_END_DECLS
