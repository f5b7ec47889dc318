/* rb-run-row.h — one run in the run list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "rb-run.h"

G_BEGIN_DECLS

#define RB_TYPE_RUN_ROW (rb_run_row_get_type ())

G_DECLARE_FINAL_TYPE (RbRunRow, rb_run_row, RB, RUN_ROW, GtkWidget)

GtkWidget *rb_run_row_new     (void);
RbRun     *rb_run_row_get_run (RbRunRow *self);
void       rb_run_row_set_run (RbRunRow *self,
                               RbRun    *run);

G_END_DECLS
