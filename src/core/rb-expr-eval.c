/* rb-expr-eval.c — the two evaluators of expressions
 *
 * Every rule (what one operation does to one bin) is written once, as a
 * static inline function below; the vectorised evaluator runs it over whole
 * series, the bin evaluator calls it for one bin, so both give identical
 * doubles.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-expr"

#include "config.h"

#include <math.h>
#include <string.h>

#include "rb-error.h"
#include "rb-expr-private.h"

#define MOD_EPSILON 1e-12

/* --- the rules ----------------------------------------------------------- */

static inline double
rule_add (double a, double b)
{
  return a + b;
}

static inline double
rule_sub (double a, double b)
{
  return a - b;
}

static inline double
rule_mul (double a, double b)
{
  return a * b;
}

static inline double
rule_div (double a, double b)
{
  return b != 0.0 ? a / b : 0.0;
}

/* Unary minus as 0 − x: no negative zero (FlowTime has no unary minus). */
static inline double
rule_neg (double a)
{
  return 0.0 - a;
}

/* .NET Math.Max/Min: NaN propagates; +0 is greater than −0. */
static inline double
rule_max (double a, double b)
{
  if (a > b || isnan (a))
    return a;
  if (a == b)
    return signbit (a) ? b : a;
  return b;
}

static inline double
rule_min (double a, double b)
{
  if (a < b || isnan (a))
    return a;
  if (a == b)
    return signbit (a) ? a : b;
  return b;
}

static inline double
rule_clamp (double x, double lo, double hi)
{
  return rule_max (lo, rule_min (hi, x));
}

static inline double
rule_step (double v, double th)
{
  return v >= th ? 1.0 : 0.0;
}

static inline double
rule_mod (double v, double d)
{
  double r;

  if (fabs (d) < MOD_EPSILON)
    return 0.0;
  if (!isfinite (v) || !isfinite (d))
    return NAN;
  r = fmod (v, d);
  if (r == 0.0 || (r < 0.0) == (d < 0.0))
    return r;
  return r + d;
}

static inline double
rule_floor (double x)
{
  return floor (x);
}

static inline double
rule_ceil (double x)
{
  return ceil (x);
}

static inline double
rule_round (double x)
{
  return round (x);   /* halves away from zero */
}

static inline gboolean
rule_pulse_hits (guint t, guint period, guint phase)
{
  return t >= phase && (t - phase) % period == 0;
}

/* One CONV term: non-finite samples are skipped. */
static inline double
rule_conv_term (double sum, double k, double x)
{
  return isfinite (x) ? sum + x * k : sum;
}

static inline guint
conv_terms (guint t, guint kernel_len)
{
  return MIN ((guint64) t + 1, kernel_len);
}

/* --- errors -------------------------------------------------------------- */

static gboolean
fail_unknown (const RbExprNode  *ref,
              GError           **error)
{
  g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
               "unknown node '%s' at column %u", ref->name, ref->column);
  return FALSE;
}

/* --- vectorised ---------------------------------------------------------- */

typedef struct
{
  guint         n;
  RbExprLookup  lookup;
  gpointer      user_data;
  double       *scratch;     /* node->scratch series of n values each */
} VecContext;

/* A computed operand: a constant, or a series (the destination buffer, a
 * scratch buffer or a referenced node's series). */
typedef struct
{
  gboolean      is_const;
  double        c;
  const double *p;
} Val;

#define VAL_AT(v, t) ((v).is_const ? (v).c : (v).p[t])

#define VEC_UNARY(RULE)                                                 \
  G_STMT_START {                                                        \
    if (a[0].is_const)                                                  \
      {                                                                 \
        out->is_const = TRUE;                                           \
        out->c = RULE (a[0].c);                                         \
        return;                                                         \
      }                                                                 \
    for (guint t = 0; t < n; t++)                                       \
      dst[t] = RULE (a[0].p[t]);                                        \
  } G_STMT_END

#define VEC_BINARY(RULE)                                                \
  G_STMT_START {                                                        \
    if (a[0].is_const && a[1].is_const)                                 \
      {                                                                 \
        out->is_const = TRUE;                                           \
        out->c = RULE (a[0].c, a[1].c);                                 \
        return;                                                         \
      }                                                                 \
    else if (a[0].is_const)                                             \
      {                                                                 \
        const double c0 = a[0].c, *p1 = a[1].p;                         \
        for (guint t = 0; t < n; t++)                                   \
          dst[t] = RULE (c0, p1[t]);                                    \
      }                                                                 \
    else if (a[1].is_const)                                             \
      {                                                                 \
        const double *p0 = a[0].p, c1 = a[1].c;                         \
        for (guint t = 0; t < n; t++)                                   \
          dst[t] = RULE (p0[t], c1);                                    \
      }                                                                 \
    else                                                                \
      {                                                                 \
        const double *p0 = a[0].p, *p1 = a[1].p;                        \
        for (guint t = 0; t < n; t++)                                   \
          dst[t] = RULE (p0[t], p1[t]);                                 \
      }                                                                 \
  } G_STMT_END

/* Leaves have no arguments and are never given a frame below. */
static inline gboolean
is_leaf (const RbExprNode *node)
{
  return node->op == RB_EXPR_NUM || node->op == RB_EXPR_REF;
}

static gboolean
eval_leaf_vec (const VecContext  *ctx,
               const RbExprNode  *node,
               Val               *out,
               GError           **error)
{
  if (node->op == RB_EXPR_NUM)
    {
      out->is_const = TRUE;
      out->c = node->value;
      return TRUE;
    }
  out->is_const = FALSE;
  out->p = ctx->lookup (node->name, ctx->user_data);
  if (out->p == NULL)
    return fail_unknown (node, error);
  return TRUE;
}

/* Applies @node's operation to its computed arguments @a; a series result
 * is written to @dst. Every operation may run in place (its output index
 * never precedes an input index still to be read). */
static void
apply_vec (const VecContext *ctx,
           const RbExprNode *node,
           double           *dst,
           Val              *a,
           Val              *out)
{
  const guint n = ctx->n;

  out->is_const = FALSE;
  out->p = dst;

  switch (node->op)
    {
    case RB_EXPR_NEG:   VEC_UNARY (rule_neg);   break;
    case RB_EXPR_FLOOR: VEC_UNARY (rule_floor); break;
    case RB_EXPR_CEIL:  VEC_UNARY (rule_ceil);  break;
    case RB_EXPR_ROUND: VEC_UNARY (rule_round); break;
    case RB_EXPR_ADD:   VEC_BINARY (rule_add);  break;
    case RB_EXPR_SUB:   VEC_BINARY (rule_sub);  break;
    case RB_EXPR_MUL:   VEC_BINARY (rule_mul);  break;
    case RB_EXPR_DIV:   VEC_BINARY (rule_div);  break;
    case RB_EXPR_MIN:   VEC_BINARY (rule_min);  break;
    case RB_EXPR_MAX:   VEC_BINARY (rule_max);  break;
    case RB_EXPR_STEP:  VEC_BINARY (rule_step); break;
    case RB_EXPR_MOD:   VEC_BINARY (rule_mod);  break;

    case RB_EXPR_CLAMP:
      if (a[0].is_const && a[1].is_const && a[2].is_const)
        {
          out->is_const = TRUE;
          out->c = rule_clamp (a[0].c, a[1].c, a[2].c);
          return;
        }
      for (guint t = 0; t < n; t++)
        dst[t] = rule_clamp (VAL_AT (a[0], t), VAL_AT (a[1], t), VAL_AT (a[2], t));
      break;

    case RB_EXPR_SHIFT:
      /* Backwards, so that dst may be the input. */
      for (guint t = n; t-- > 0;)
        dst[t] = t < node->lag ? 0.0 : VAL_AT (a[0], t - node->lag);
      break;

    case RB_EXPR_CONV:
      /* Backwards: y[t] reads x[t−j], j ≥ 0 only, so x may be dst. */
      if (a[0].is_const)
        {
          for (guint t = n; t-- > 0;)
            {
              guint terms = conv_terms (t, node->kernel_len);
              double sum = 0.0;

              for (guint j = 0; j < terms; j++)
                sum = rule_conv_term (sum, node->kernel[j], a[0].c);
              dst[t] = sum;
            }
        }
      else
        {
          const double *x = a[0].p;
          const double *kernel = node->kernel;
          const guint len = node->kernel_len;

          for (guint t = n; t-- > 0;)
            {
              const guint terms = t >= len ? len : t + 1;
              const double *xt = x + t;
              double sum = 0.0;

              for (guint j = 0; j < terms; j++)
                sum = rule_conv_term (sum, kernel[j], xt[-(gssize) j]);
              dst[t] = sum;
            }
        }
      break;

    case RB_EXPR_PULSE:
      if (node->n_args == 0)
        {
          a[0].is_const = TRUE;
          a[0].c = 1.0;
        }
      for (guint t = 0; t < n; t++)
        dst[t] = rule_pulse_hits (t, node->period, node->phase) ? VAL_AT (a[0], t) : 0.0;
      break;

    case RB_EXPR_NUM:
    case RB_EXPR_REF:
    case RB_EXPR_ARRAY:
    default:
      g_assert_not_reached ();
    }
}

/* Frames of the walks below: trees up to this depth need no allocation. */
#define SMALL_DEPTH 32

/* One operation being evaluated: @next of its arguments are in @a. */
typedef struct
{
  const RbExprNode *node;
  double           *dst;
  guint             level;
  guint             next;
  Val               a[RB_EXPR_MAX_ARGS];
} VecFrame;

/* Evaluates @root without recursion (the tree may be MAX_DEPTH deep, see
 * rb-expr.c): a stack of at most root->depth frames. Argument 0 of a node
 * is computed into the node's own destination, argument i ≥ 1 into scratch
 * buffer level + i − 1, where level is the node's; argument i's level is
 * level + i. A series result is written to @dst (or, for a plain reference,
 * points at the node's series). */
static gboolean
eval_vec (VecContext        *ctx,
          const RbExprNode  *root,
          double            *dst,
          Val               *result,
          GError           **error)
{
  VecFrame small[SMALL_DEPTH];
  g_autofree VecFrame *heap = NULL;
  VecFrame *frames = small;
  guint top = 0;

  if (is_leaf (root))
    return eval_leaf_vec (ctx, root, result, error);
  if (root->depth > SMALL_DEPTH)
    frames = heap = g_new (VecFrame, root->depth);

  frames[0].node = root;
  frames[0].dst = dst;
  frames[0].level = 0;
  frames[0].next = 0;
  for (;;)
    {
      VecFrame *frame = &frames[top];

      if (frame->next < frame->node->n_args)
        {
          const guint i = frame->next;
          const RbExprNode *arg = frame->node->args[i];

          if (is_leaf (arg))
            {
              if (!eval_leaf_vec (ctx, arg, &frame->a[i], error))
                return FALSE;
              frame->next++;
            }
          else
            {
              VecFrame *child = &frames[++top];

              child->node = arg;
              child->dst = i == 0 ? frame->dst
                                  : ctx->scratch + (gsize) (frame->level + i - 1) * ctx->n;
              child->level = frame->level + i;
              child->next = 0;
            }
          continue;
        }

      if (top == 0)
        {
          apply_vec (ctx, frame->node, frame->dst, frame->a, result);
          return TRUE;
        }
      apply_vec (ctx, frame->node, frame->dst, frame->a,
                 &frames[top - 1].a[frames[top - 1].next]);
      top--;
      frames[top].next++;
    }
}

gboolean
rb_expr_eval (const RbExpr  *expr,
              guint          n_bins,
              RbExprLookup   lookup,
              gpointer       user_data,
              double        *out,
              GError       **error)
{
  g_autofree double *scratch = NULL;
  VecContext ctx;
  Val result;

  g_return_val_if_fail (expr != NULL, FALSE);
  g_return_val_if_fail (lookup != NULL, FALSE);
  g_return_val_if_fail (out != NULL || n_bins == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (expr->root->scratch > 0 && n_bins > 0)
    scratch = g_new (double, (gsize) expr->root->scratch * n_bins);

  ctx.n = n_bins;
  ctx.lookup = lookup;
  ctx.user_data = user_data;
  ctx.scratch = scratch;

  if (!eval_vec (&ctx, expr->root, out, &result, error))
    return FALSE;

  if (result.is_const)
    {
      for (guint t = 0; t < n_bins; t++)
        out[t] = result.c;
    }
  else if (result.p != out && n_bins > 0)
    memcpy (out, result.p, sizeof (double) * n_bins);

  return TRUE;
}

/* --- one bin ------------------------------------------------------------- */

typedef struct
{
  guint         n;
  RbExprLookup  lookup;
  gpointer      user_data;
} BinContext;

static gboolean
eval_leaf_bin (const BinContext  *ctx,
               const RbExprNode  *node,
               guint              t,
               double            *out,
               GError           **error)
{
  const double *series;

  if (node->op == RB_EXPR_NUM)
    {
      *out = node->value;
      return TRUE;
    }
  series = ctx->lookup (node->name, ctx->user_data);
  if (series == NULL)
    return fail_unknown (node, error);
  *out = series[t];
  return TRUE;
}

/* One operation being evaluated at bin @t: it needs @visits argument
 * values (SHIFT: argument 0 at t − k, or none before bin k; CONV: argument
 * 0 at t, t − 1, …; PULSE: its amplitude at t on a pulse bin only; others:
 * each argument at t), @next of which are done. */
typedef struct
{
  const RbExprNode *node;
  guint             t;
  guint             visits;
  guint             next;
  double            a[RB_EXPR_MAX_ARGS];
  double            sum;   /* CONV */
} BinFrame;

static void
bin_frame_init (BinFrame         *frame,
                const RbExprNode *node,
                guint             t)
{
  frame->node = node;
  frame->t = t;
  frame->next = 0;
  frame->sum = 0.0;
  frame->a[0] = frame->a[1] = frame->a[2] = 0.0;
  switch (node->op)
    {
    case RB_EXPR_SHIFT:
      frame->visits = t < node->lag ? 0 : 1;
      break;

    case RB_EXPR_CONV:
      frame->visits = conv_terms (t, node->kernel_len);
      break;

    case RB_EXPR_PULSE:
      frame->visits = rule_pulse_hits (t, node->period, node->phase) ? node->n_args : 0;
      break;

    case RB_EXPR_NUM:
    case RB_EXPR_REF:
    case RB_EXPR_ARRAY:
    case RB_EXPR_NEG:
    case RB_EXPR_ADD:
    case RB_EXPR_SUB:
    case RB_EXPR_MUL:
    case RB_EXPR_DIV:
    case RB_EXPR_MIN:
    case RB_EXPR_MAX:
    case RB_EXPR_CLAMP:
    case RB_EXPR_STEP:
    case RB_EXPR_MOD:
    case RB_EXPR_FLOOR:
    case RB_EXPR_CEIL:
    case RB_EXPR_ROUND:
    default:
      frame->visits = node->n_args;
      break;
    }
}

/* The argument and bin of visit @frame->next. */
static const RbExprNode *
bin_frame_arg (const BinFrame *frame,
               guint          *t)
{
  const RbExprNode *node = frame->node;

  switch (node->op)
    {
    case RB_EXPR_SHIFT:
      *t = frame->t - node->lag;
      return node->args[0];

    case RB_EXPR_CONV:
      *t = frame->t - frame->next;
      return node->args[0];

    case RB_EXPR_NUM:
    case RB_EXPR_REF:
    case RB_EXPR_ARRAY:
    case RB_EXPR_PULSE:
    case RB_EXPR_NEG:
    case RB_EXPR_ADD:
    case RB_EXPR_SUB:
    case RB_EXPR_MUL:
    case RB_EXPR_DIV:
    case RB_EXPR_MIN:
    case RB_EXPR_MAX:
    case RB_EXPR_CLAMP:
    case RB_EXPR_STEP:
    case RB_EXPR_MOD:
    case RB_EXPR_FLOOR:
    case RB_EXPR_CEIL:
    case RB_EXPR_ROUND:
    default:
      *t = frame->t;
      return node->args[frame->next];
    }
}

/* Takes the value of visit @frame->next. */
static void
bin_frame_take (BinFrame *frame,
                double    value)
{
  if (frame->node->op == RB_EXPR_CONV)
    frame->sum = rule_conv_term (frame->sum, frame->node->kernel[frame->next], value);
  else
    frame->a[frame->next] = value;
  frame->next++;
}

/* The node's value once every visit is done. */
static double
bin_frame_value (const BinFrame *frame)
{
  const RbExprNode *node = frame->node;
  const double *a = frame->a;

  switch (node->op)
    {
    case RB_EXPR_NEG:   return rule_neg (a[0]);
    case RB_EXPR_FLOOR: return rule_floor (a[0]);
    case RB_EXPR_CEIL:  return rule_ceil (a[0]);
    case RB_EXPR_ROUND: return rule_round (a[0]);
    case RB_EXPR_ADD:   return rule_add (a[0], a[1]);
    case RB_EXPR_SUB:   return rule_sub (a[0], a[1]);
    case RB_EXPR_MUL:   return rule_mul (a[0], a[1]);
    case RB_EXPR_DIV:   return rule_div (a[0], a[1]);
    case RB_EXPR_MIN:   return rule_min (a[0], a[1]);
    case RB_EXPR_MAX:   return rule_max (a[0], a[1]);
    case RB_EXPR_STEP:  return rule_step (a[0], a[1]);
    case RB_EXPR_MOD:   return rule_mod (a[0], a[1]);
    case RB_EXPR_CLAMP: return rule_clamp (a[0], a[1], a[2]);
    case RB_EXPR_SHIFT: return frame->visits == 0 ? 0.0 : a[0];
    case RB_EXPR_CONV:  return frame->sum;
    case RB_EXPR_PULSE:
      if (!rule_pulse_hits (frame->t, node->period, node->phase))
        return 0.0;
      return node->n_args == 0 ? 1.0 : a[0];
    case RB_EXPR_NUM:
    case RB_EXPR_REF:
    case RB_EXPR_ARRAY:
    default:
      g_assert_not_reached ();
    }
  return 0.0;
}

/* Evaluates @root at bin @t without recursion: a stack of at most
 * root->depth frames. Arguments are evaluated in the same order as the
 * vectorised evaluator's, so the first unknown reference is the same. */
static gboolean
eval_bin (BinContext        *ctx,
          const RbExprNode  *root,
          guint              t,
          double            *out,
          GError           **error)
{
  BinFrame small[SMALL_DEPTH];
  g_autofree BinFrame *heap = NULL;
  BinFrame *frames = small;
  guint top = 0;

  if (is_leaf (root))
    return eval_leaf_bin (ctx, root, t, out, error);
  if (root->depth > SMALL_DEPTH)
    frames = heap = g_new (BinFrame, root->depth);

  bin_frame_init (&frames[0], root, t);
  for (;;)
    {
      BinFrame *frame = &frames[top];
      double value;

      if (frame->next < frame->visits)
        {
          guint arg_t;
          const RbExprNode *arg = bin_frame_arg (frame, &arg_t);

          if (is_leaf (arg))
            {
              if (!eval_leaf_bin (ctx, arg, arg_t, &value, error))
                return FALSE;
              bin_frame_take (frame, value);
            }
          else
            bin_frame_init (&frames[++top], arg, arg_t);
          continue;
        }

      value = bin_frame_value (frame);
      if (top == 0)
        {
          *out = value;
          return TRUE;
        }
      top--;
      bin_frame_take (&frames[top], value);
    }
}

gboolean
rb_expr_eval_bin (const RbExpr  *expr,
                  guint          t,
                  guint          n_bins,
                  RbExprLookup   lookup,
                  gpointer       user_data,
                  double        *out_value,
                  GError       **error)
{
  BinContext ctx;

  g_return_val_if_fail (expr != NULL, FALSE);
  g_return_val_if_fail (lookup != NULL, FALSE);
  g_return_val_if_fail (t < n_bins, FALSE);
  g_return_val_if_fail (out_value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ctx.n = n_bins;
  ctx.lookup = lookup;
  ctx.user_data = user_data;
  return eval_bin (&ctx, expr->root, t, out_value, error);
}
