/* rb-new-run-dialog.h — create (or preview) a run from a template
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rb-backend.h"

G_BEGIN_DECLS

#define RB_TYPE_NEW_RUN_DIALOG (rb_new_run_dialog_get_type ())

G_DECLARE_FINAL_TYPE (RbNewRunDialog, rb_new_run_dialog, RB, NEW_RUN_DIALOG, AdwWindow)

/* A modal dialog over @parent that sends api.md POST /v1/runs bodies
 * through @backend. @source_run (nullable: the window's selected run)
 * preselects its template, and in telemetry mode with no bundle to pick
 * it is the run whose bundle is asked for. Emits ::created with the new
 * run's id, then closes itself. */
RbNewRunDialog *rb_new_run_dialog_new                  (GtkWindow      *parent,
                                                        RbBackend      *backend,
                                                        RbRun          *source_run);
/* "loading" (templates or the selected template's parameters), "ready",
 * "running" (a preview or a run under way), "preview" (the plan is shown),
 * "invalid" (a field cannot be sent), "error" */
const char     *rb_new_run_dialog_get_state            (RbNewRunDialog *self);
/* The message shown for an error or an invalid field, or NULL. */
const char     *rb_new_run_dialog_get_message          (RbNewRunDialog *self);
/* Selects the template with @template_id when listed; returns whether
 * it was. Its parameters then load ("loading" until they are shown). */
gboolean        rb_new_run_dialog_select_template      (RbNewRunDialog *self,
                                                        const char     *template_id);
const char     *rb_new_run_dialog_get_template_id      (RbNewRunDialog *self);
/* "simulation" or "telemetry" */
void            rb_new_run_dialog_set_mode             (RbNewRunDialog *self,
                                                        const char     *mode);
/* The value editor of parameter @name (GtkSpinButton, GtkSwitch or
 * GtkEntry), or NULL. */
GtkWidget      *rb_new_run_dialog_get_parameter_widget (RbNewRunDialog *self,
                                                        const char     *name);
/* The names of the parameters in the form, in the template's order. */
GStrv           rb_new_run_dialog_get_parameter_names  (RbNewRunDialog *self);
/* The last preview's api.md "plan" object, or NULL. */
JsonObject     *rb_new_run_dialog_get_plan             (RbNewRunDialog *self);

G_END_DECLS
