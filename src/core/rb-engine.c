/* rb-engine.c — evaluates a compiled model into one series per node
 *
 * One allocation holds every node's series (nodes × bins doubles); the plan
 * from rb-model.c gives the order. A single-node step is evaluated over the
 * whole series at once; a lagged loop (nodes feeding each other only through
 * SHIFT(…, k ≥ 1)) is evaluated bin by bin, each kind with a per-bin rule
 * that gives the same doubles as its whole-series rule.
 *
 * Pinned series (telemetry runs) replace a node's whole result, including
 * router shares added to it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-engine"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "rb-engine.h"
#include "rb-error.h"
#include "rb-model-private.h"

struct _RbEvaluation
{
  guint       bins;
  guint       n_nodes;
  double     *data;          /* n_nodes × bins */
  gsize       data_size;     /* bytes of the block */
  GHashTable *index;         /* id (owned) → GUINT_TO_POINTER (index + 1) */
  GPtrArray  *warnings;      /* RbWarning* */
};

typedef struct
{
  const RbModel *model;
  RbEvaluation  *evaluation;
  GHashTable    *pinned;
} Context;

#define HUGE_PAGE (2u << 20)
/* 2 GiB of series: beyond this a model is refused rather than risking the
 * out-of-memory killer on an overcommitting system. */
#define MAX_VALUES ((guint64) 1 << 28)
#define MAX_CACHED_BLOCK ((gsize) 256 << 20)

/* The series block: for big models, 2 MiB-aligned and marked for transparent
 * huge pages, so that first-touch page faults happen once per 2 MiB instead
 * of once per 4 KiB. The most recently freed big block is kept for the next
 * evaluation (as malloc does for small blocks), so that repeated evaluations
 * do not pay the kernel for zeroing fresh pages each time:
 * rb_engine_trim_cache() gives it back. */
static GMutex cache_lock;
static double *cached_block;
static gsize cached_size;

static double *
series_block_new (gsize  n_values,
                  gsize *out_size)
{
  void *block = NULL;
  gsize size;

  if (n_values > G_MAXSIZE / sizeof (double) - HUGE_PAGE)
    return NULL;
  size = n_values * sizeof (double);
  if (size < 2 * HUGE_PAGE)
    {
      *out_size = size;
      return g_try_malloc (MAX (size, 1));
    }
  size = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;

  g_mutex_lock (&cache_lock);
  if (cached_block != NULL && cached_size >= size && cached_size / 2 <= size)
    {
      block = cached_block;
      size = cached_size;
      cached_block = NULL;
      cached_size = 0;
    }
  g_mutex_unlock (&cache_lock);
  if (block != NULL)
    {
      *out_size = size;
      return block;
    }

  if (posix_memalign (&block, HUGE_PAGE, size) != 0)
    return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise (block, size, MADV_HUGEPAGE);
#endif
  *out_size = size;
  return block;
}

static void
series_block_free (double *block,
                   gsize   size)
{
  if (block != NULL && size >= 2 * HUGE_PAGE && size <= MAX_CACHED_BLOCK)
    {
      double *old;

      g_mutex_lock (&cache_lock);
      old = cached_block;
      cached_block = block;
      cached_size = size;
      g_mutex_unlock (&cache_lock);
      block = old;
    }
  /* g_try_malloc and posix_memalign blocks are both free()-able. */
  free (block);
}

void
rb_engine_trim_cache (void)
{
  double *old;

  g_mutex_lock (&cache_lock);
  old = cached_block;
  cached_block = NULL;
  cached_size = 0;
  g_mutex_unlock (&cache_lock);
  free (old);
}

static inline double *
series_of (RbEvaluation *evaluation,
           guint         ix)
{
  return evaluation->data + (gsize) ix * evaluation->bins;
}

static const double *
lookup (const char *name,
        gpointer    user_data)
{
  Context *ctx = user_data;
  gpointer value = g_hash_table_lookup (ctx->model->index, name);

  if (value == NULL)
    return NULL;
  return series_of (ctx->evaluation, GPOINTER_TO_UINT (value) - 1);
}

static inline double
finite_or_zero (double value)
{
  return isfinite (value) ? value : 0.0;
}

/* serviceWithBuffer, one bin (engine.md): the dispatched outflow, then
 * Q[t] = max(0, Q[t−1] + in − out' − loss). */
static inline double
queue_bin (const RbModelNode *node,
           const double      *in,
           const double      *out,
           const double      *loss,
           const double      *capacity,
           double             previous,
           guint              t)
{
  double dispatched = finite_or_zero (out[t]);
  double q;

  if (node->has_schedule)
    {
      if (t < node->phase || (t - node->phase) % node->period != 0)
        dispatched = 0.0;
      else if (capacity != NULL && isfinite (capacity[t]) && capacity[t] < dispatched)
        dispatched = capacity[t];
    }
  q = previous + finite_or_zero (in[t]) - dispatched;
  if (loss != NULL)
    q -= finite_or_zero (loss[t]);
  return q > 0.0 ? q : 0.0;
}

static inline const double *
optional_series (RbEvaluation *evaluation,
                 int           ix)
{
  return ix >= 0 ? series_of (evaluation, (guint) ix) : NULL;
}

static void
add_shares (Context           *ctx,
            const RbModelNode *node,
            double            *dst,
            guint              from,
            guint              to)
{
  for (guint s = 0; node->shares != NULL && s < node->shares->len; s++)
    {
      const RbModelShare *share = &g_array_index (node->shares, RbModelShare, s);
      const RbModelNode *router = g_ptr_array_index (ctx->model->nodes, share->router);
      const double *input = series_of (ctx->evaluation, (guint) router->input_ix);

      for (guint t = from; t < to; t++)
        dst[t] += input[t] * share->weight / share->total;
    }
}

static gboolean
eval_whole (Context  *ctx,
            guint     ix,
            GError  **error)
{
  const RbModelNode *node = g_ptr_array_index (ctx->model->nodes, ix);
  RbEvaluation *evaluation = ctx->evaluation;
  const guint n = evaluation->bins;
  double *dst = series_of (evaluation, ix);
  const double *pinned = ctx->pinned != NULL ? g_hash_table_lookup (ctx->pinned, node->id) : NULL;

  if (pinned != NULL)
    {
      memcpy (dst, pinned, sizeof (double) * n);
      return TRUE;
    }

  switch (node->kind)
    {
    case RB_MODEL_NODE_CONST:
    case RB_MODEL_NODE_PMF:
      memcpy (dst, node->values, sizeof (double) * n);
      break;

    case RB_MODEL_NODE_EXPR:
      if (!rb_expr_eval (node->expr, n, lookup, ctx, dst, error))
        {
          g_prefix_error (error, "node '%s': ", node->id);
          return FALSE;
        }
      break;

    case RB_MODEL_NODE_SERVICE_WITH_BUFFER:
      {
        const double *in = series_of (evaluation, (guint) node->inflow_ix);
        const double *out = series_of (evaluation, (guint) node->outflow_ix);
        const double *loss = optional_series (evaluation, node->loss_ix);
        const double *capacity = optional_series (evaluation, node->capacity_ix);
        double q = node->initial_depth;

        for (guint t = 0; t < n; t++)
          {
            q = queue_bin (node, in, out, loss, capacity, q, t);
            dst[t] = q;
          }
      }
      break;

    case RB_MODEL_NODE_ROUTER:
      memcpy (dst, series_of (evaluation, (guint) node->input_ix), sizeof (double) * n);
      break;

    default:
      g_assert_not_reached ();
    }

  add_shares (ctx, node, dst, 0, n);
  return TRUE;
}

static gboolean
eval_bin (Context  *ctx,
          guint     ix,
          guint     t,
          GError  **error)
{
  const RbModelNode *node = g_ptr_array_index (ctx->model->nodes, ix);
  RbEvaluation *evaluation = ctx->evaluation;
  double *dst = series_of (evaluation, ix);
  const double *pinned = ctx->pinned != NULL ? g_hash_table_lookup (ctx->pinned, node->id) : NULL;

  if (pinned != NULL)
    {
      dst[t] = pinned[t];
      return TRUE;
    }

  switch (node->kind)
    {
    case RB_MODEL_NODE_CONST:
    case RB_MODEL_NODE_PMF:
      dst[t] = node->values[t];
      break;

    case RB_MODEL_NODE_EXPR:
      if (!rb_expr_eval_bin (node->expr, t, evaluation->bins, lookup, ctx, &dst[t], error))
        {
          g_prefix_error (error, "node '%s': ", node->id);
          return FALSE;
        }
      break;

    case RB_MODEL_NODE_SERVICE_WITH_BUFFER:
      dst[t] = queue_bin (node,
                          series_of (evaluation, (guint) node->inflow_ix),
                          series_of (evaluation, (guint) node->outflow_ix),
                          optional_series (evaluation, node->loss_ix),
                          optional_series (evaluation, node->capacity_ix),
                          t == 0 ? node->initial_depth : dst[t - 1], t);
      break;

    case RB_MODEL_NODE_ROUTER:
      dst[t] = series_of (evaluation, (guint) node->input_ix)[t];
      break;

    default:
      g_assert_not_reached ();
    }

  add_shares (ctx, node, dst, t, t + 1);
  return TRUE;
}

RbEvaluation *
rb_engine_evaluate (const RbModel  *model,
                    GHashTable     *pinned,
                    GCancellable   *cancellable,
                    GError        **error)
{
  g_autoptr(RbEvaluation) evaluation = NULL;
  Context ctx;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((guint64) model->nodes->len * model->bins > MAX_VALUES)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE,
                   "the model is too large to evaluate: %u nodes × %u bins is more than %"
                   G_GUINT64_FORMAT " values",
                   model->nodes->len, model->bins, MAX_VALUES);
      return NULL;
    }

  evaluation = g_new0 (RbEvaluation, 1);
  evaluation->bins = model->bins;
  evaluation->n_nodes = model->nodes->len;
  evaluation->data = series_block_new ((gsize) model->nodes->len * model->bins,
                                       &evaluation->data_size);
  evaluation->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  evaluation->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_warning_free);
  if (evaluation->data == NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE,
                   "the model is too large to evaluate (%u nodes × %u bins)",
                   model->nodes->len, model->bins);
      return NULL;
    }
  for (guint i = 0; i < model->nodes->len; i++)
    {
      const RbModelNode *node = g_ptr_array_index (model->nodes, i);

      g_hash_table_insert (evaluation->index, g_strdup (node->id), GUINT_TO_POINTER (i + 1));
    }

  ctx.model = model;
  ctx.evaluation = evaluation;
  ctx.pinned = pinned;

  for (guint s = 0; s < model->plan->len; s++)
    {
      const RbExprStep *step = g_ptr_array_index (model->plan, s);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      if (!step->lagged_loop)
        {
          for (guint k = 0; k < step->n_nodes; k++)
            if (!eval_whole (&ctx, step->nodes[k], error))
              return NULL;
          continue;
        }
      for (guint t = 0; t < model->bins; t++)
        {
          for (guint k = 0; k < step->n_nodes; k++)
            if (!eval_bin (&ctx, step->nodes[k], t, error))
              return NULL;
        }
    }

  return g_steal_pointer (&evaluation);
}

void
rb_evaluation_free (RbEvaluation *evaluation)
{
  if (evaluation == NULL)
    return;
  series_block_free (evaluation->data, evaluation->data_size);
  g_hash_table_unref (evaluation->index);
  g_ptr_array_unref (evaluation->warnings);
  g_free (evaluation);
}

const double *
rb_evaluation_get_series (RbEvaluation *evaluation,
                          const char   *node_id)
{
  gpointer value;

  g_return_val_if_fail (evaluation != NULL, NULL);
  if (node_id == NULL)
    return NULL;
  value = g_hash_table_lookup (evaluation->index, node_id);
  if (value == NULL)
    return NULL;
  return series_of (evaluation, GPOINTER_TO_UINT (value) - 1);
}

guint
rb_evaluation_get_bins (RbEvaluation *evaluation)
{
  g_return_val_if_fail (evaluation != NULL, 0);
  return evaluation->bins;
}

GPtrArray *
rb_evaluation_get_warnings (RbEvaluation *evaluation)
{
  g_return_val_if_fail (evaluation != NULL, NULL);
  return evaluation->warnings;
}
