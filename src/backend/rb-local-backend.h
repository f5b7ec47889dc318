/* rb-local-backend.h — RbBackend over a data folder on this computer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rb-backend.h"

G_BEGIN_DECLS

#define RB_TYPE_LOCAL_BACKEND (rb_local_backend_get_type ())

G_DECLARE_FINAL_TYPE (RbLocalBackend, rb_local_backend, RB, LOCAL_BACKEND, GObject)

/* @data_dir: an absolute folder (see rb_data_dir_resolve()); it need not
 * exist yet. Core calls run in worker threads; RbBackend::changed is
 * emitted on the thread-default main context of the caller. */
RbLocalBackend *rb_local_backend_new          (const char     *data_dir);
const char     *rb_local_backend_get_data_dir (RbLocalBackend *self);
/* Starts listing now, in a worker thread, for the first
 * rb_backend_list_runs_async() to come (unless the folder changes before
 * it comes): the app calls it before GTK starts up, so 100 000 runs are
 * read while GTK loads instead of after. */
void            rb_local_backend_prefetch_runs (RbLocalBackend *self);

G_END_DECLS
