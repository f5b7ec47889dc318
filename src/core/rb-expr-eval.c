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
        return TRUE;                                                    \
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
        return TRUE;                                                    \
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

/* Evaluates @node; a series result is written to @dst (or, for a plain
 * reference, points at the node's series). Argument 0 goes to @dst,
 * argument i ≥ 1 to scratch buffer level + i − 1; every operation below may
 * run in place (its output index never precedes an input index still to be
 * read). */
static gboolean
eval_vec (VecContext        *ctx,
          const RbExprNode  *node,
          double            *dst,
          guint              level,
          Val               *out,
          GError           **error)
{
  Val a[RB_EXPR_MAX_ARGS];
  const guint n = ctx->n;

  switch (node->op)
    {
    case RB_EXPR_NUM:
      out->is_const = TRUE;
      out->c = node->value;
      return TRUE;

    case RB_EXPR_REF:
      out->is_const = FALSE;
      out->p = ctx->lookup (node->name, ctx->user_data);
      if (out->p == NULL)
        return fail_unknown (node, error);
      return TRUE;

    case RB_EXPR_ARRAY:
    case RB_EXPR_NEG:
    case RB_EXPR_ADD:
    case RB_EXPR_SUB:
    case RB_EXPR_MUL:
    case RB_EXPR_DIV:
    case RB_EXPR_MIN:
    case RB_EXPR_MAX:
    case RB_EXPR_CLAMP:
    case RB_EXPR_SHIFT:
    case RB_EXPR_CONV:
    case RB_EXPR_PULSE:
    case RB_EXPR_STEP:
    case RB_EXPR_MOD:
    case RB_EXPR_FLOOR:
    case RB_EXPR_CEIL:
    case RB_EXPR_ROUND:
    default:
      break;
    }

  for (guint i = 0; i < node->n_args; i++)
    {
      double *arg_dst = i == 0 ? dst : ctx->scratch + (gsize) (level + i - 1) * n;

      if (!eval_vec (ctx, node->args[i], arg_dst, level + i, &a[i], error))
        return FALSE;
    }

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
          return TRUE;
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

  return TRUE;
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

  if (!eval_vec (&ctx, expr->root, out, 0, &result, error))
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
eval_bin (BinContext        *ctx,
          const RbExprNode  *node,
          guint              t,
          double            *out,
          GError           **error)
{
  double a[RB_EXPR_MAX_ARGS] = { 0 };

  switch (node->op)
    {
    case RB_EXPR_NUM:
      *out = node->value;
      return TRUE;

    case RB_EXPR_REF:
      {
        const double *series = ctx->lookup (node->name, ctx->user_data);

        if (series == NULL)
          return fail_unknown (node, error);
        *out = series[t];
        return TRUE;
      }

    case RB_EXPR_SHIFT:
      if (t < node->lag)
        {
          *out = 0.0;
          return TRUE;
        }
      return eval_bin (ctx, node->args[0], t - node->lag, out, error);

    case RB_EXPR_CONV:
      {
        guint terms = conv_terms (t, node->kernel_len);
        double sum = 0.0;

        for (guint j = 0; j < terms; j++)
          {
            double x;

            if (!eval_bin (ctx, node->args[0], t - j, &x, error))
              return FALSE;
            sum = rule_conv_term (sum, node->kernel[j], x);
          }
        *out = sum;
        return TRUE;
      }

    case RB_EXPR_PULSE:
      if (!rule_pulse_hits (t, node->period, node->phase))
        {
          *out = 0.0;
          return TRUE;
        }
      if (node->n_args == 0)
        {
          *out = 1.0;
          return TRUE;
        }
      return eval_bin (ctx, node->args[0], t, out, error);

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
      break;
    }

  for (guint i = 0; i < node->n_args; i++)
    if (!eval_bin (ctx, node->args[i], t, &a[i], error))
      return FALSE;

  switch (node->op)
    {
    case RB_EXPR_NEG:   *out = rule_neg (a[0]);                break;
    case RB_EXPR_FLOOR: *out = rule_floor (a[0]);              break;
    case RB_EXPR_CEIL:  *out = rule_ceil (a[0]);               break;
    case RB_EXPR_ROUND: *out = rule_round (a[0]);              break;
    case RB_EXPR_ADD:   *out = rule_add (a[0], a[1]);          break;
    case RB_EXPR_SUB:   *out = rule_sub (a[0], a[1]);          break;
    case RB_EXPR_MUL:   *out = rule_mul (a[0], a[1]);          break;
    case RB_EXPR_DIV:   *out = rule_div (a[0], a[1]);          break;
    case RB_EXPR_MIN:   *out = rule_min (a[0], a[1]);          break;
    case RB_EXPR_MAX:   *out = rule_max (a[0], a[1]);          break;
    case RB_EXPR_STEP:  *out = rule_step (a[0], a[1]);         break;
    case RB_EXPR_MOD:   *out = rule_mod (a[0], a[1]);          break;
    case RB_EXPR_CLAMP: *out = rule_clamp (a[0], a[1], a[2]);  break;
    case RB_EXPR_NUM:
    case RB_EXPR_REF:
    case RB_EXPR_ARRAY:
    case RB_EXPR_SHIFT:
    case RB_EXPR_CONV:
    case RB_EXPR_PULSE:
    default:
      g_assert_not_reached ();
    }
  return TRUE;
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
