/* rb-expr.h — the model expression language: parser, evaluators, node graph
 *
 * Grammar (engine.md "Expressions"):
 *
 *   expr    = term (('+' | '-') term)*
 *   term    = unary (('*' | '/') unary)*
 *   unary   = '-' unary | primary
 *   primary = number | name | name '(' args ')' | '(' expr ')'
 *   args    = arg (',' arg)*            arg = expr | '[' number (',' number)* ']'
 *   number  = digits ('.' digits)? (('e' | 'E') ('+' | '-')? digits)?
 *   name    = [A-Za-z_][A-Za-z0-9_]*
 *
 * Differences from FlowTime's reference parser, on purpose:
 * * unary minus is accepted ("-x", "MAX(0, -x)"); FlowTime rejects it. It is
 *   evaluated as 0 − x, so it never produces a negative zero;
 * * exponents in number literals ("1e3") are accepted;
 * * array literals may hold signed numbers and are accepted only as a CONV
 *   kernel; anywhere else they are a parse error.
 *
 * Functions (names case-insensitive), checked at parse time:
 *   MIN(a,b)  MAX(a,b)  CLAMP(x,lo,hi)  SHIFT(x,k)  CONV(x,[k0,…] | k0)
 *   PULSE(p[,φ[,a]])  STEP(v,th)  MOD(v,d)  FLOOR(x)  CEIL(x)  ROUND(x)
 * where k, p and φ are integer literals (k ≥ 0, p ≥ 1, φ ≥ 0).
 *
 * Semantics per bin t (both evaluators share one implementation per rule):
 *   a / b          0 where b == 0
 *   MIN, MAX       .NET Math.Min/Max: NaN propagates, +0 > −0
 *   CLAMP          MAX(lo, MIN(hi, x))
 *   SHIFT(x,k)     t < k ? 0 : x[t−k]
 *   CONV(x,K)      Σ_{j ≤ min(t, |K|−1)} K[j]·x[t−j], non-finite x samples skipped
 *   PULSE(p,φ,a)   a[t] when t ≥ φ and (t−φ) mod p == 0, else 0 (φ = 0, a = 1 by default)
 *   STEP(v,th)     v ≥ th ? 1 : 0
 *   MOD(v,d)       floored modulo (sign of d); 0 when |d| < 1e-12; NaN when v or d is
 *                  not finite. (FlowTime's threshold is double.Epsilon; it differs only
 *                  for 0 < |d| < 1e-12.)
 *   FLOOR, CEIL    floor, ceil
 *   ROUND          half away from zero (ROUND(-2.5) = -3)
 *
 * Errors are RB_ERROR_INVALID_REQUEST with a message that names the 1-based
 * column (in characters) in the expression text, e.g.
 *   "expected ')' at column 12", "unknown function FOO at column 1",
 *   "SHIFT lag must be a non-negative integer literal at column 10",
 *   "unknown node 'x' at column 5".
 *
 * Limits: parentheses, function calls and minus signs nest at most 200
 * levels ("expression is nested too deeply (more than 200 levels of
 * parentheses, function calls and minus signs) at column 201"), and the tree
 * is at most 4 000 operations deep, e.g. a chain a - a - … of 3 999
 * operators ("expression is too long (more than 4000 operations inside each
 * other) at column 8000"). No function here recurses once per tree level,
 * so an accepted expression is safe on any thread's stack, in sanitizer
 * builds too.
 * Callers prefix the node: "node 'a': expected ')' at column 12".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _RbExpr RbExpr;

RbExpr     *rb_expr_parse        (const char   *text,
                                  GError      **error);
void        rb_expr_free         (RbExpr       *expr);

/* The text as given to rb_expr_parse(). */
const char *rb_expr_get_text     (const RbExpr *expr);

/* Debugging form: every binary operation parenthesised, function names
 * upper-case, numbers in shortest round-trip form, e.g.
 * "((a + (b * 2)) - SHIFT(c, 1))". The result parses back to the same tree,
 * unless its added parentheses pass the parser's nesting limit of 200 (a
 * chain of more than about 200 operations, or 100 unary minus signs): then
 * rb_expr_parse() fails with "expression is nested too deeply (…)". */
char       *rb_expr_to_string    (const RbExpr *expr);

/* Appends to each non-NULL array the names @expr references, each name once
 * per array, in order of first appearance. A reference inside SHIFT(…, k ≥ 1)
 * is lagged (it reads only earlier bins); every other reference, including
 * one inside SHIFT(…, 0), is same-bin. A name used both ways is in both.
 * The strings belong to @expr: use arrays without a free function. */
void        rb_expr_collect_refs (const RbExpr *expr,
                                  GPtrArray    *same_bin_refs,
                                  GPtrArray    *lagged_refs);

/* Checks every reference against @known_names (a set of names: its keys).
 * Error: "unknown node 'x' at column 5". */
gboolean    rb_expr_check_refs   (const RbExpr *expr,
                                  GHashTable   *known_names,
                                  GError      **error);

/* Returns the full series (n_bins values) of node @name, or NULL when there
 * is no such node. */
typedef const double *(*RbExprLookup) (const char *name,
                                       gpointer    user_data);

/* Vectorised evaluation of the whole series into @out (n_bins values).
 * Scratch buffers are allocated once per call, never per bin. @out must not
 * be one of the series @lookup returns. A NULL lookup result is the error
 * "unknown node 'x' at column 5". */
gboolean    rb_expr_eval         (const RbExpr *expr,
                                  guint         n_bins,
                                  RbExprLookup  lookup,
                                  gpointer      user_data,
                                  double       *out,
                                  GError      **error);

/* Evaluates bin @t only, for feedback loops through SHIFT (see
 * RbExprStep). @lookup returns full series of n_bins values in which the bins
 * this bin depends on are already computed: bin t of same-bin references,
 * bins < t through SHIFT/CONV. Gives exactly the value rb_expr_eval() would
 * give for bin t on the same inputs. */
gboolean    rb_expr_eval_bin     (const RbExpr *expr,
                                  guint         t,
                                  guint         n_bins,
                                  RbExprLookup  lookup,
                                  gpointer      user_data,
                                  double       *out_value,
                                  GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbExpr, rb_expr_free)

/* --- evaluation order --------------------------------------------------- */

/**
 * RbExprStep:
 * @lagged_loop: FALSE: one node, evaluated as a whole series.
 *   TRUE: the nodes feed each other only through lagged references
 *   (SHIFT(…, k ≥ 1)); evaluate them bin by bin: for t in 0..n−1, for each
 *   node in @nodes order, compute bin t (rb_expr_eval_bin()).
 * @n_nodes: number of entries in @nodes
 * @nodes: graph node indices; within a loop they are in same-bin
 *   dependency order
 *
 * One step of an evaluation plan. Steps come in dependency order.
 */
typedef struct
{
  gboolean  lagged_loop;
  guint     n_nodes;
  guint    *nodes;
} RbExprStep;

void rb_expr_step_free (RbExprStep *step);

typedef struct _RbExprGraph RbExprGraph;

RbExprGraph *rb_expr_graph_new            (void);
void         rb_expr_graph_free           (RbExprGraph  *graph);
/* Adds a node (or finds an existing one of that name); returns its index.
 * Indices are 0, 1, 2… in order of addition. */
guint        rb_expr_graph_add_node       (RbExprGraph  *graph,
                                           const char   *name);
gboolean     rb_expr_graph_lookup         (RbExprGraph  *graph,
                                           const char   *name,
                                           guint        *index);
guint        rb_expr_graph_get_n_nodes    (RbExprGraph  *graph);
const char  *rb_expr_graph_get_name       (RbExprGraph  *graph,
                                           guint         index);
/* @node reads @depends_on: in the same bin, or only earlier bins when
 * @lagged. Both must have been added; returns FALSE otherwise. */
gboolean     rb_expr_graph_add_dependency (RbExprGraph  *graph,
                                           const char   *node,
                                           const char   *depends_on,
                                           gboolean      lagged);
/* Adds @node's dependencies from its expression. A reference to a name that
 * is not a node: "unknown node 'x' at column 5". */
gboolean     rb_expr_graph_add_expr       (RbExprGraph  *graph,
                                           const char   *node,
                                           const RbExpr *expr,
                                           GError      **error);
/* The evaluation plan: a GPtrArray of RbExprStep (freeing the array frees
 * them), every node in exactly one step, dependencies first, ties in order of
 * addition. A cycle of same-bin references is the error
 * "cycle between nodes a → b → a" (each arrow: "references"). */
GPtrArray   *rb_expr_graph_plan           (RbExprGraph  *graph,
                                           GError      **error);

/* Convenience over the graph: node i is @names[i] defined by @exprs[i]
 * (NULL: a node without references). Step node indices are indices into
 * @names. */
GPtrArray   *rb_expr_order_nodes          (const char * const *names,
                                           RbExpr * const     *exprs,
                                           guint               n,
                                           GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbExprGraph, rb_expr_graph_free)

G_END_DECLS
