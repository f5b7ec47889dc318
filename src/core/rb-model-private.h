/* rb-model-private.h — the compiled model, shared by rb-model.c and rb-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rb-expr.h"
#include "rb-model.h"

G_BEGIN_DECLS

typedef enum
{
  RB_MODEL_NODE_CONST,
  RB_MODEL_NODE_EXPR,
  RB_MODEL_NODE_PMF,
  RB_MODEL_NODE_SERVICE_WITH_BUFFER,
  RB_MODEL_NODE_ROUTER,
} RbModelNodeKind;

/* A router's share added to a target: target[t] += input[t] · weight / total. */
typedef struct
{
  guint  router;      /* node index of the router */
  double weight;
  double total;
} RbModelShare;

typedef struct
{
  char            *id;
  RbModelNodeKind  kind;
  guint            line;
  gboolean         synthesized;

  double          *values;        /* const, pmf: the whole series (bins values) */
  RbExpr          *expr;          /* expr */
  guint            expr_line;     /* line of the expr field */

  /* serviceWithBuffer: node indices, −1 when absent */
  char            *inflow, *outflow, *loss, *capacity_series;
  int              inflow_ix, outflow_ix, loss_ix, capacity_ix;
  gboolean         has_schedule;
  guint            period;
  guint            phase;         /* already normalised into 0..period−1 */
  double           initial_depth;

  /* router */
  char            *input;
  int              input_ix;
  GPtrArray       *route_targets; /* char* */
  GArray          *route_weights; /* double */

  /* on route targets */
  GArray          *shares;        /* RbModelShare, or NULL */
} RbModelNode;

struct _RbModel
{
  guint       bins;
  guint       bin_size;
  char       *bin_unit;
  char       *start;
  gboolean    has_seed;
  gint64      seed;

  GPtrArray  *nodes;              /* RbModelNode*, declared then synthesized */
  GHashTable *index;              /* id → GUINT_TO_POINTER (index + 1) */
  GPtrArray  *plan;               /* RbExprStep*, node indices */
  GPtrArray  *order;              /* char*, (transfer none) ids in evaluation order */
  GPtrArray  *topology;           /* RbModelTopologyNode* */
  GPtrArray  *output_ids;         /* char*, (transfer none) */
  GHashTable *output_aliases;     /* id → as */
};

G_END_DECLS
