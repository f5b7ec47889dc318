/* rb-model.h — a FlowTime model (YAML, after template substitution), compiled
 *
 * engine.md "Model": grid, nodes, topology (with queue and sink synthesis
 * already applied), outputs, rng. Errors (RB_ERROR_INVALID_TEMPLATE) name the
 * node, the field and the line: "node 'arrivals' (line 14): expr: expected ')'
 * at column 12". Models with classes fail with "classes are not supported yet".
 * YAML syntax errors keep rb_yaml's "<display_name> is not valid YAML at line N: …"
 * (code RB_ERROR_INVALID_TEMPLATE).
 *
 * Choices where engine.md / FlowTime leave room (details in rb-model.c):
 * * snake_case is FlowTime's rule taken literally: "IngressQueue" →
 *   "ingress_queue", "HTTPServer" → "h_t_t_p_server", "a-b" → "a_b";
 * * a sink is a topology node of kind "sink" or with nodeRole "sink";
 * * a topology node of another kind with queueDepth "self" is left unbound;
 * * a queueDepth naming an existing node gets that node's initial depth from
 *   initialCondition.queueDepth (when it is a serviceWithBuffer node);
 * * router routes without weight weigh 1; a route adds input·w/Σw to its
 *   target after the target's own computation (FlowTime replaces the target;
 *   its templates' targets are "0", where both agree);
 * * pmf without profile: Σ v·p/Σp (FlowTime's Pmf renormalises); with a
 *   profile: Σ v·p × w[t] (FlowTime-Sim does not);
 * * an output series "prefix/ *" (written without the space) selects the
 *   node ids starting with "prefix"; an output naming an unknown node is an
 *   error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "rb-run.h"

G_BEGIN_DECLS

typedef struct _RbModel RbModel;

/* One topology node after synthesis: each metric names a model node id
 * (NULL when unbound; "file:" references are kept as file_refs). */
typedef struct
{
  char   *id;
  char   *kind;                         /* service, queue, dlq, serviceWithBuffer, router, sink, dependency */
  char   *metrics[RB_N_METRICS];        /* node ids */
  char   *file_refs[RB_N_METRICS];      /* raw "file:…" values, else NULL */
  double  initial_queue_depth;
} RbModelTopologyNode;

RbModel    *rb_model_parse             (const char  *text,
                                        gsize        length,
                                        const char  *display_name,
                                        GError     **error);
void        rb_model_free              (RbModel     *model);

guint       rb_model_get_bins          (const RbModel *model);
guint       rb_model_get_bin_size      (const RbModel *model);
const char *rb_model_get_bin_unit      (const RbModel *model);   /* "minutes", … */
const char *rb_model_get_start         (const RbModel *model);   /* nullable ISO-8601 */
/* The model's own rng.seed, when it has one (after substitution). */
gboolean    rb_model_get_rng_seed      (const RbModel *model,
                                        gint64        *seed);
/* Every node id (declared and synthesized) in evaluation order. */
GPtrArray  *rb_model_get_node_ids      (const RbModel *model);   /* (transfer none) of char* */
gboolean    rb_model_has_node          (const RbModel *model,
                                        const char    *node_id);
GPtrArray  *rb_model_get_topology      (const RbModel *model);   /* (transfer none) of RbModelTopologyNode* */
/* The node ids a run writes, in order: those selected by outputs (or all when
 * none match), plus every topology semantics series. */
GPtrArray  *rb_model_get_output_ids    (const RbModel *model);   /* (transfer container) of const char* */
/* The `as` alias an output gives @node_id ("packed_orders.csv"), or NULL. */
const char *rb_model_get_output_alias  (const RbModel *model,
                                        const char    *node_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbModel, rb_model_free)

G_END_DECLS
