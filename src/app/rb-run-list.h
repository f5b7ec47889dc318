/* rb-run-list.h — the listed runs as a GListModel, replaced whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rb-run.h"

G_BEGIN_DECLS

#define RB_TYPE_RUN_LIST (rb_run_list_get_type ())

G_DECLARE_FINAL_TYPE (RbRunList, rb_run_list, RB, RUN_LIST, GObject)

RbRunList *rb_run_list_new     (void);
/* Keeps a reference to @runs (a GPtrArray of RbRun that frees its items,
 * as a backend lists them; nobody may change it afterwards); NULL empties
 * the list. One items-changed for the whole list. */
void       rb_run_list_replace (RbRunList *self,
                                GPtrArray *runs);

G_END_DECLS
