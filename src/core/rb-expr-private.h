/* rb-expr-private.h — the expression tree shared by rb-expr*.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rb-expr.h"

G_BEGIN_DECLS

typedef enum
{
  RB_EXPR_NUM,
  RB_EXPR_REF,
  RB_EXPR_ARRAY,   /* only while parsing: becomes a CONV kernel */
  RB_EXPR_NEG,
  RB_EXPR_ADD,
  RB_EXPR_SUB,
  RB_EXPR_MUL,
  RB_EXPR_DIV,
  RB_EXPR_MIN,
  RB_EXPR_MAX,
  RB_EXPR_CLAMP,
  RB_EXPR_SHIFT,
  RB_EXPR_CONV,
  RB_EXPR_PULSE,
  RB_EXPR_STEP,
  RB_EXPR_MOD,
  RB_EXPR_FLOOR,
  RB_EXPR_CEIL,
  RB_EXPR_ROUND,
} RbExprOp;

#define RB_EXPR_MAX_ARGS 3

typedef struct _RbExprNode RbExprNode;

struct _RbExprNode
{
  RbExprOp    op;
  guint       column;                  /* 1-based, in characters */
  guint       n_args;
  RbExprNode *args[RB_EXPR_MAX_ARGS];  /* operands; PULSE: args[0] = amplitude or none */
  double      value;                   /* NUM */
  char       *name;                    /* REF */
  double     *kernel;                  /* CONV, ARRAY */
  guint       kernel_len;
  guint       lag;                     /* SHIFT */
  guint       period;                  /* PULSE */
  guint       phase;                   /* PULSE */
  guint       scratch;                 /* series buffers its vectorised evaluation needs */
  guint       depth;
};

struct _RbExpr
{
  char       *text;
  RbExprNode *root;
};

const char *_rb_expr_op_name (RbExprOp op);

/* Called for each reference; @lagged: inside SHIFT(…, k ≥ 1). Return FALSE
 * to stop. */
typedef gboolean (*RbExprRefFunc) (const RbExprNode *ref,
                                   gboolean          lagged,
                                   gpointer          user_data);

/* Calls @func for every reference of @expr in order of appearance in the
 * text (pre-order, arguments left to right), without recursion. Returns
 * FALSE when @func stopped it. */
gboolean    _rb_expr_foreach_ref (const RbExpr  *expr,
                                  RbExprRefFunc  func,
                                  gpointer       user_data);

G_END_DECLS
