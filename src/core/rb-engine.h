/* rb-engine.h — evaluates a compiled model into one series per node
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rb-model.h"

G_BEGIN_DECLS

typedef struct _RbEvaluation RbEvaluation;

/* @pinned (nullable): node id → const double * of bins values that replace
 * that node's own computation (telemetry runs); downstream nodes are
 * recomputed from them. */
RbEvaluation *rb_engine_evaluate          (const RbModel *model,
                                           GHashTable    *pinned,
                                           GCancellable  *cancellable,
                                           GError       **error);
void          rb_evaluation_free          (RbEvaluation  *evaluation);
/* (transfer none) bins values, or NULL for an unknown node. */
const double *rb_evaluation_get_series    (RbEvaluation  *evaluation,
                                           const char    *node_id);
guint         rb_evaluation_get_bins      (RbEvaluation  *evaluation);
/* (transfer none) of RbWarning*: engine warnings for run.json. */
GPtrArray    *rb_evaluation_get_warnings  (RbEvaluation  *evaluation);

/* Big evaluations keep their freed series block for the next one (saving
 * the kernel's page zeroing); this frees it. Thread-safe. */
void          rb_engine_trim_cache        (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbEvaluation, rb_evaluation_free)

G_END_DECLS
