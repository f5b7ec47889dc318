/* rb-generate-dialog.h — Generate Telemetry for one run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rb-backend.h"

G_BEGIN_DECLS

#define RB_TYPE_GENERATE_DIALOG (rb_generate_dialog_get_type ())

G_DECLARE_FINAL_TYPE (RbGenerateDialog, rb_generate_dialog, RB, GENERATE_DIALOG, AdwWindow)

/* A modal dialog over @parent for generating @run's telemetry through
 * @backend. The capture key is prefilled with the run's template
 * metadata.captureKey once the template is read. Emits ::generated with
 * the api.md "capture" object, then closes itself. */
RbGenerateDialog *rb_generate_dialog_new             (GtkWindow        *parent,
                                                      RbBackend        *backend,
                                                      RbRun            *run);
const char       *rb_generate_dialog_get_run_id      (RbGenerateDialog *self);
/* "loading" (reading the template), "ready", "running", "conflict" (409:
 * the Overwrite choice is shown), "error" */
const char       *rb_generate_dialog_get_state       (RbGenerateDialog *self);
const char       *rb_generate_dialog_get_capture_key (RbGenerateDialog *self);
void              rb_generate_dialog_set_capture_key (RbGenerateDialog *self,
                                                      const char       *key);
/* The message shown for a conflict or an error, or NULL. */
const char       *rb_generate_dialog_get_message     (RbGenerateDialog *self);

G_END_DECLS
