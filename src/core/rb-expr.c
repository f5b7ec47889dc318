/* rb-expr.c — expression parser, tree, references
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-expr"

#include "config.h"

#include <math.h>
#include <string.h>

#include "rb-error.h"
#include "rb-expr-private.h"

/* MAX_NESTING bounds parentheses, calls and unary minus signs inside each
 * other: the parser recurses once per level (a few frames each).
 * MAX_DEPTH bounds the depth of the tree (long chains such as a + b + c …
 * are left-deep, parsed by a loop): every walk over the tree (evaluators,
 * printing, references, freeing) is iterative, so this limit only keeps
 * memory and time per expression reasonable. Both limits are named in
 * their error messages. */
#define MAX_NESTING 200
#define MAX_DEPTH   4000

/* Integer literals (SHIFT lag, PULSE period and phase) fit a guint. */
#define MAX_INT_LITERAL 4294967295.0

typedef struct
{
  const char *name;
  RbExprOp    op;
  guint       min_args;
  guint       max_args;
} FunctionInfo;

static const FunctionInfo functions[] = {
  { "MIN",   RB_EXPR_MIN,   2, 2 },
  { "MAX",   RB_EXPR_MAX,   2, 2 },
  { "CLAMP", RB_EXPR_CLAMP, 3, 3 },
  { "SHIFT", RB_EXPR_SHIFT, 2, 2 },
  { "CONV",  RB_EXPR_CONV,  2, 2 },
  { "PULSE", RB_EXPR_PULSE, 1, 3 },
  { "STEP",  RB_EXPR_STEP,  2, 2 },
  { "MOD",   RB_EXPR_MOD,   2, 2 },
  { "FLOOR", RB_EXPR_FLOOR, 1, 1 },
  { "CEIL",  RB_EXPR_CEIL,  1, 1 },
  { "ROUND", RB_EXPR_ROUND, 1, 1 },
};

const char *
_rb_expr_op_name (RbExprOp op)
{
  for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
    if (functions[i].op == op)
      return functions[i].name;
  return "?";
}

/* --- tree ---------------------------------------------------------------- */

static void
node_free_one (RbExprNode *node)
{
  g_free (node->name);
  g_free (node->kernel);
  g_free (node);
}

/* Iterative, like every walk over the tree: its depth is bounded only by
 * MAX_DEPTH, far deeper than a thread's stack allows recursion in a
 * sanitizer build. */
static void
node_free (RbExprNode *node)
{
  g_autoptr(GPtrArray) stack = NULL;

  if (node == NULL)
    return;
  if (node->n_args == 0)
    {
      node_free_one (node);
      return;
    }

  stack = g_ptr_array_new ();
  g_ptr_array_add (stack, node);
  while (stack->len > 0)
    {
      RbExprNode *top = g_ptr_array_remove_index (stack, stack->len - 1);

      for (guint i = 0; i < top->n_args; i++)
        if (top->args[i] != NULL)
          g_ptr_array_add (stack, top->args[i]);
      node_free_one (top);
    }
}

static RbExprNode *
node_new (RbExprOp op,
          guint    column)
{
  RbExprNode *node = g_new0 (RbExprNode, 1);

  node->op = op;
  node->column = column;
  node->depth = 1;
  return node;
}

/* Sets depth and the number of scratch series the vectorised evaluator
 * needs: argument 0 is computed into the destination, argument i ≥ 1 into
 * scratch buffer i−1 above the current level (see rb-expr-eval.c). */
static void
node_finish (RbExprNode *node)
{
  guint scratch = 0;
  guint depth = 0;

  for (guint i = 0; i < node->n_args; i++)
    {
      scratch = MAX (scratch, i + node->args[i]->scratch);
      depth = MAX (depth, node->args[i]->depth);
    }
  node->scratch = scratch;
  node->depth = depth + 1;
}

void
rb_expr_free (RbExpr *expr)
{
  if (expr == NULL)
    return;
  node_free (expr->root);
  g_free (expr->text);
  g_free (expr);
}

const char *
rb_expr_get_text (const RbExpr *expr)
{
  g_return_val_if_fail (expr != NULL, NULL);
  return expr->text;
}

/* --- parser -------------------------------------------------------------- */

typedef struct
{
  const char *text;
  const char *p;
  guint       nesting;
  GError    **error;
} Parser;

static guint
column_of (Parser     *parser,
           const char *at)
{
  return (guint) g_utf8_pointer_to_offset (parser->text, at) + 1;
}

static void
fail_at (Parser     *parser,
         const char *at,
         const char *what)
{
  g_set_error (parser->error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
               "%s at column %u", what, column_of (parser, at));
}

static void
skip_space (Parser *parser)
{
  while (*parser->p == ' ' || *parser->p == '\t' ||
         *parser->p == '\n' || *parser->p == '\r')
    parser->p++;
}

static gboolean
is_name_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* "expected X at column N" at the current position. */
static void
fail_expected (Parser     *parser,
               const char *what)
{
  g_autofree char *msg = g_strdup_printf ("expected %s", what);

  fail_at (parser, parser->p, msg);
}

/* Reports a character that cannot start what was expected: "unexpected
 * character '$' at column 3" for characters outside the language, else
 * "expected X at column N". */
static void
fail_unexpected (Parser     *parser,
                 const char *expected)
{
  char c = *parser->p;

  if (c != '\0' && !strchr ("+-*/()[],._", c) && !g_ascii_isalnum (c))
    {
      const char *end = g_utf8_next_char (parser->p);
      g_autofree char *ch = g_strndup (parser->p, end - parser->p);
      g_autofree char *msg = g_strdup_printf ("unexpected character '%s'", ch);

      fail_at (parser, parser->p, msg);
      return;
    }
  fail_expected (parser, expected);
}

/* Unsigned number literal at parser->p (a digit). */
static gboolean
parse_number (Parser *parser,
              double *value)
{
  const char *start = parser->p;
  const char *q = start;
  g_autofree char *token = NULL;

  while (g_ascii_isdigit (*q))
    q++;
  if (*q == '.')
    {
      q++;
      if (!g_ascii_isdigit (*q))
        {
          fail_at (parser, q, "expected digit after '.'");
          return FALSE;
        }
      while (g_ascii_isdigit (*q))
        q++;
    }
  if (*q == 'e' || *q == 'E')
    {
      q++;
      if (*q == '+' || *q == '-')
        q++;
      if (!g_ascii_isdigit (*q))
        {
          fail_at (parser, q, "expected digit in exponent");
          return FALSE;
        }
      while (g_ascii_isdigit (*q))
        q++;
    }
  if (is_name_char (*q))
    {
      fail_at (parser, q, "expected operator after number");
      return FALSE;
    }

  token = g_strndup (start, q - start);
  *value = g_ascii_strtod (token, NULL);
  if (!isfinite (*value))
    {
      fail_at (parser, start, "number out of range");
      return FALSE;
    }
  parser->p = q;
  return TRUE;
}

static RbExprNode *parse_sum (Parser *parser);

/* '[' number (',' number)* ']' with optionally signed numbers. */
static RbExprNode *
parse_array (Parser *parser)
{
  RbExprNode *node = node_new (RB_EXPR_ARRAY, column_of (parser, parser->p));
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  parser->p++;   /* '[' */
  skip_space (parser);
  for (;;)
    {
      gboolean negative = FALSE;
      double value;

      if (*parser->p == '-' || *parser->p == '+')
        {
          negative = *parser->p == '-';
          parser->p++;
          skip_space (parser);
        }
      if (!g_ascii_isdigit (*parser->p))
        {
          fail_unexpected (parser, "number");
          node_free (node);
          return NULL;
        }
      if (!parse_number (parser, &value))
        {
          node_free (node);
          return NULL;
        }
      value = negative ? 0.0 - value : value;
      g_array_append_val (values, value);
      skip_space (parser);
      if (*parser->p == ']')
        {
          parser->p++;
          break;
        }
      if (*parser->p != ',')
        {
          fail_unexpected (parser, "',' or ']'");
          node_free (node);
          return NULL;
        }
      parser->p++;
      skip_space (parser);
    }

  node->kernel_len = values->len;
  node->kernel = (double *) g_array_free (g_steal_pointer (&values), FALSE);
  return node;
}

/* A literal integer argument in [min, MAX_INT_LITERAL]. */
static gboolean
literal_int (const RbExprNode *arg,
             double            min,
             guint            *value)
{
  if (arg->op != RB_EXPR_NUM || arg->value < min ||
      arg->value > MAX_INT_LITERAL || floor (arg->value) != arg->value)
    return FALSE;
  *value = (guint) arg->value;
  return TRUE;
}

static gboolean
fail_node (Parser           *parser,
           const RbExprNode *node,
           const char       *what)
{
  g_set_error (parser->error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
               "%s at column %u", what, node->column);
  return FALSE;
}

/* Checks argument kinds and moves literal arguments into @call. */
static gboolean
finish_call (Parser     *parser,
             RbExprNode *call)
{
  switch (call->op)
    {
    case RB_EXPR_SHIFT:
      if (!literal_int (call->args[1], 0, &call->lag))
        return fail_node (parser, call->args[1],
                          "SHIFT lag must be a non-negative integer literal");
      node_free (call->args[1]);
      call->n_args = 1;
      break;

    case RB_EXPR_CONV:
      {
        RbExprNode *k = call->args[1];

        if (k->op == RB_EXPR_ARRAY)
          {
            call->kernel = g_steal_pointer (&k->kernel);
            call->kernel_len = k->kernel_len;
          }
        else if (k->op == RB_EXPR_NUM ||
                 (k->op == RB_EXPR_NEG && k->args[0]->op == RB_EXPR_NUM))
          {
            call->kernel = g_new (double, 1);
            call->kernel[0] = k->op == RB_EXPR_NUM ? k->value : 0.0 - k->args[0]->value;
            call->kernel_len = 1;
          }
        else
          return fail_node (parser, k,
                            "CONV kernel must be an array literal like [0.5, 0.5]");
        node_free (k);
        call->n_args = 1;
      }
      break;

    case RB_EXPR_PULSE:
      if (!literal_int (call->args[0], 1, &call->period))
        return fail_node (parser, call->args[0],
                          "PULSE period must be a positive integer literal");
      if (call->n_args >= 2 && !literal_int (call->args[1], 0, &call->phase))
        return fail_node (parser, call->args[1],
                          "PULSE phase must be a non-negative integer literal");
      {
        RbExprNode *amplitude = call->n_args == 3 ? call->args[2] : NULL;

        node_free (call->args[0]);
        if (call->n_args >= 2)
          node_free (call->args[1]);
        call->args[0] = amplitude;
        call->args[1] = call->args[2] = NULL;
        call->n_args = amplitude != NULL ? 1 : 0;
      }
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
      break;
    }

  /* Arrays are only kernels: any left now is in the wrong place. */
  for (guint i = 0; i < call->n_args; i++)
    if (call->args[i]->op == RB_EXPR_ARRAY)
      return fail_node (parser, call->args[i],
                        "array literal is only allowed as a CONV kernel");
  return TRUE;
}

/* Finished @node (at @at in the text), or NULL with the error when the tree
 * has become deeper than MAX_DEPTH. */
static RbExprNode *
check_depth (Parser     *parser,
             RbExprNode *node,
             const char *at)
{
  if (node->depth > MAX_DEPTH)
    {
      fail_at (parser, at,
               "expression is too long (more than " G_STRINGIFY (MAX_DEPTH)
               " operations inside each other)");
      node_free (node);
      return NULL;
    }
  return node;
}

static RbExprNode *
parse_call (Parser     *parser,
            const char *name_start,
            gsize       name_len)
{
  g_autofree char *name = g_strndup (name_start, name_len);
  const FunctionInfo *info = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
  RbExprNode *call;

  for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
    if (g_ascii_strcasecmp (functions[i].name, name) == 0)
      info = &functions[i];
  if (info == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("unknown function %s", name);

      fail_at (parser, name_start, msg);
      return NULL;
    }

  parser->p++;   /* '(' */
  skip_space (parser);

  if (*parser->p != ')')
    {
      for (;;)
        {
          RbExprNode *arg;

          skip_space (parser);
          if (*parser->p == '[')
            arg = parse_array (parser);
          else
            arg = parse_sum (parser);
          if (arg == NULL)
            return NULL;
          g_ptr_array_add (args, arg);
          skip_space (parser);
          if (*parser->p == ',')
            {
              parser->p++;
              continue;
            }
          if (*parser->p == ')')
            break;
          fail_unexpected (parser, "',' or ')'");
          return NULL;
        }
    }
  parser->p++;   /* ')' */

  if (args->len < info->min_args || args->len > info->max_args)
    {
      g_autofree char *msg = NULL;

      if (info->min_args == info->max_args)
        msg = g_strdup_printf ("%s takes %u argument%s, not %u", info->name,
                               info->min_args, info->min_args == 1 ? "" : "s",
                               args->len);
      else
        msg = g_strdup_printf ("%s takes %u to %u arguments, not %u", info->name,
                               info->min_args, info->max_args, args->len);
      fail_at (parser, name_start, msg);
      return NULL;
    }

  call = node_new (info->op, column_of (parser, name_start));
  for (guint i = 0; i < args->len; i++)
    call->args[i] = g_ptr_array_index (args, i);
  call->n_args = args->len;
  g_ptr_array_set_free_func (args, NULL);

  if (!finish_call (parser, call))
    {
      node_free (call);
      return NULL;
    }
  node_finish (call);
  return check_depth (parser, call, name_start);
}

static RbExprNode *
parse_primary (Parser *parser)
{
  const char *start;

  skip_space (parser);
  start = parser->p;

  if (g_ascii_isdigit (*start))
    {
      RbExprNode *node = node_new (RB_EXPR_NUM, column_of (parser, start));

      if (!parse_number (parser, &node->value))
        {
          node_free (node);
          return NULL;
        }
      return node;
    }

  if (is_name_start (*start))
    {
      const char *q = start;
      const char *after;

      while (is_name_char (*q))
        q++;
      parser->p = q;
      skip_space (parser);
      after = parser->p;
      if (*after == '(')
        return parse_call (parser, start, q - start);

      {
        RbExprNode *node = node_new (RB_EXPR_REF, column_of (parser, start));

        node->name = g_strndup (start, q - start);
        return node;
      }
    }

  if (*start == '(')
    {
      RbExprNode *inner;

      parser->p++;
      inner = parse_sum (parser);
      if (inner == NULL)
        return NULL;
      skip_space (parser);
      if (*parser->p != ')')
        {
          fail_unexpected (parser, "')'");
          node_free (inner);
          return NULL;
        }
      parser->p++;
      return inner;
    }

  if (*start == '[')
    {
      fail_at (parser, start, "array literal is only allowed as a CONV kernel");
      return NULL;
    }

  fail_unexpected (parser, "expression");
  return NULL;
}

static RbExprNode *
parse_unary (Parser *parser)
{
  RbExprNode *node;

  skip_space (parser);
  if (++parser->nesting > MAX_NESTING)
    {
      fail_at (parser, parser->p,
               "expression is nested too deeply (more than "
               G_STRINGIFY (MAX_NESTING)
               " levels of parentheses, function calls and minus signs)");
      return NULL;
    }

  if (*parser->p == '-')
    {
      const char *minus = parser->p;
      RbExprNode *operand;

      node = node_new (RB_EXPR_NEG, column_of (parser, minus));
      parser->p++;
      operand = parse_unary (parser);
      if (operand == NULL)
        {
          node_free (node);
          return NULL;
        }
      node->args[node->n_args++] = operand;
      node_finish (node);
      node = check_depth (parser, node, minus);
    }
  else
    node = parse_primary (parser);

  parser->nesting--;
  return node;
}

static RbExprNode *
make_binary (Parser     *parser,
             RbExprOp    op,
             const char *at,
             RbExprNode *left,
             RbExprNode *right)
{
  RbExprNode *node = node_new (op, column_of (parser, at));

  node->args[0] = left;
  node->args[1] = right;
  node->n_args = 2;
  node_finish (node);
  return check_depth (parser, node, at);
}

static RbExprNode *
parse_term (Parser *parser)
{
  RbExprNode *left = parse_unary (parser);

  while (left != NULL)
    {
      const char *at;
      RbExprNode *right;
      RbExprOp op;

      skip_space (parser);
      at = parser->p;
      if (*at == '*')
        op = RB_EXPR_MUL;
      else if (*at == '/')
        op = RB_EXPR_DIV;
      else
        break;
      parser->p++;
      right = parse_unary (parser);
      if (right == NULL)
        {
          node_free (left);
          return NULL;
        }
      left = make_binary (parser, op, at, left, right);
    }
  return left;
}

static RbExprNode *
parse_sum (Parser *parser)
{
  RbExprNode *left = parse_term (parser);

  while (left != NULL)
    {
      const char *at;
      RbExprNode *right;
      RbExprOp op;

      skip_space (parser);
      at = parser->p;
      if (*at == '+')
        op = RB_EXPR_ADD;
      else if (*at == '-')
        op = RB_EXPR_SUB;
      else
        break;
      parser->p++;
      right = parse_term (parser);
      if (right == NULL)
        {
          node_free (left);
          return NULL;
        }
      left = make_binary (parser, op, at, left, right);
    }
  return left;
}

RbExpr *
rb_expr_parse (const char  *text,
               GError     **error)
{
  Parser parser = { 0 };
  RbExprNode *root;
  RbExpr *expr;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                           "expression is not valid UTF-8");
      return NULL;
    }

  parser.text = text;
  parser.p = text;
  parser.error = error;

  root = parse_sum (&parser);
  if (root == NULL)
    return NULL;

  skip_space (&parser);
  if (*parser.p != '\0')
    {
      if (*parser.p == ')')
        fail_at (&parser, parser.p, "unmatched ')'");
      else
        fail_unexpected (&parser, "operator or end of expression");
      node_free (root);
      return NULL;
    }

  expr = g_new0 (RbExpr, 1);
  expr->text = g_strdup (text);
  expr->root = root;
  return expr;
}

/* --- printing ------------------------------------------------------------ */

static void
append_number (GString *out,
               double   value)
{
  static const char *const formats[] = {
    "%.1g", "%.2g", "%.3g", "%.4g", "%.5g", "%.6g", "%.7g", "%.8g", "%.9g",
    "%.10g", "%.11g", "%.12g", "%.13g", "%.14g", "%.15g", "%.16g", "%.17g",
  };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (floor (value) == value && fabs (value) < 1e15)
    {
      g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.0f", value));
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
}

/* What comes before a node's first argument (all of a leaf). */
static void
append_open (GString          *out,
             const RbExprNode *node)
{
  switch (node->op)
    {
    case RB_EXPR_NUM:
      append_number (out, node->value);
      break;

    case RB_EXPR_REF:
      g_string_append (out, node->name);
      break;

    case RB_EXPR_NEG:
      g_string_append (out, "(-");
      break;

    case RB_EXPR_ADD:
    case RB_EXPR_SUB:
    case RB_EXPR_MUL:
    case RB_EXPR_DIV:
      g_string_append_c (out, '(');
      break;

    case RB_EXPR_ARRAY:
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
      g_string_append (out, _rb_expr_op_name (node->op));
      g_string_append_c (out, '(');
      if (node->op == RB_EXPR_PULSE)
        {
          g_string_append_printf (out, "%u, %u", node->period, node->phase);
          if (node->n_args > 0)
            g_string_append (out, ", ");
        }
      break;
    }
}

/* What comes between argument i − 1 and argument i (i ≥ 1). */
static void
append_between (GString          *out,
                const RbExprNode *node)
{
  static const char binary_ops[] = { '+', '-', '*', '/' };

  if (node->op >= RB_EXPR_ADD && node->op <= RB_EXPR_DIV)
    g_string_append_printf (out, " %c ", binary_ops[node->op - RB_EXPR_ADD]);
  else
    g_string_append (out, ", ");
}

/* What comes after the last argument. */
static void
append_close (GString          *out,
              const RbExprNode *node)
{
  if (node->op == RB_EXPR_NUM || node->op == RB_EXPR_REF)
    return;
  if (node->op == RB_EXPR_SHIFT)
    g_string_append_printf (out, ", %u", node->lag);
  if (node->op == RB_EXPR_CONV)
    {
      g_string_append (out, ", [");
      for (guint i = 0; i < node->kernel_len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          append_number (out, node->kernel[i]);
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, ')');
}

typedef struct
{
  const RbExprNode *node;
  guint             next;   /* next argument to print */
} PrintFrame;

char *
rb_expr_to_string (const RbExpr *expr)
{
  GString *out;
  g_autoptr(GArray) stack = NULL;

  g_return_val_if_fail (expr != NULL, NULL);

  out = g_string_new (NULL);
  stack = g_array_sized_new (FALSE, FALSE, sizeof (PrintFrame), expr->root->depth);
  append_open (out, expr->root);
  g_array_append_vals (stack, &(PrintFrame) { expr->root, 0 }, 1);
  while (stack->len > 0)
    {
      PrintFrame *top = &g_array_index (stack, PrintFrame, stack->len - 1);
      const RbExprNode *node = top->node;

      if (top->next < node->n_args)
        {
          const RbExprNode *arg = node->args[top->next];

          if (top->next > 0)
            append_between (out, node);
          top->next++;
          append_open (out, arg);
          g_array_append_vals (stack, &(PrintFrame) { arg, 0 }, 1);
        }
      else
        {
          append_close (out, node);
          g_array_set_size (stack, stack->len - 1);
        }
    }
  return g_string_free (out, FALSE);
}

/* --- references ---------------------------------------------------------- */

static void
add_unique (GPtrArray  *array,
            const char *name)
{
  if (array != NULL &&
      !g_ptr_array_find_with_equal_func (array, name, g_str_equal, NULL))
    g_ptr_array_add (array, (gpointer) name);
}

typedef struct
{
  const RbExprNode *node;
  gboolean          lagged;
} RefFrame;

gboolean
_rb_expr_foreach_ref (const RbExpr  *expr,
                      RbExprRefFunc  func,
                      gpointer       user_data)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (RefFrame));

  g_array_append_vals (stack, &(RefFrame) { expr->root, FALSE }, 1);
  while (stack->len > 0)
    {
      RefFrame frame = g_array_index (stack, RefFrame, stack->len - 1);
      const RbExprNode *node = frame.node;
      gboolean lagged = frame.lagged;

      g_array_set_size (stack, stack->len - 1);
      if (node->op == RB_EXPR_REF && !func (node, lagged, user_data))
        return FALSE;
      if (node->op == RB_EXPR_SHIFT && node->lag >= 1)
        lagged = TRUE;
      /* Last argument first, so that the first is visited next. */
      for (guint i = node->n_args; i-- > 0;)
        g_array_append_vals (stack, &(RefFrame) { node->args[i], lagged }, 1);
    }
  return TRUE;
}

typedef struct
{
  GPtrArray *same_bin_refs;
  GPtrArray *lagged_refs;
} CollectRefs;

static gboolean
collect_ref (const RbExprNode *ref,
             gboolean          lagged,
             gpointer          user_data)
{
  CollectRefs *collect = user_data;

  add_unique (lagged ? collect->lagged_refs : collect->same_bin_refs, ref->name);
  return TRUE;
}

void
rb_expr_collect_refs (const RbExpr *expr,
                      GPtrArray    *same_bin_refs,
                      GPtrArray    *lagged_refs)
{
  CollectRefs collect = { same_bin_refs, lagged_refs };

  g_return_if_fail (expr != NULL);

  _rb_expr_foreach_ref (expr, collect_ref, &collect);
}

typedef struct
{
  GHashTable       *known_names;
  const RbExprNode *unknown;
} FindUnknown;

static gboolean
find_unknown_ref (const RbExprNode *ref,
                  gboolean          lagged,
                  gpointer          user_data)
{
  FindUnknown *find = user_data;

  if (g_hash_table_contains (find->known_names, ref->name))
    return TRUE;
  find->unknown = ref;
  return FALSE;
}

gboolean
rb_expr_check_refs (const RbExpr  *expr,
                    GHashTable    *known_names,
                    GError       **error)
{
  FindUnknown find = { known_names, NULL };

  g_return_val_if_fail (expr != NULL, FALSE);
  g_return_val_if_fail (known_names != NULL, FALSE);

  if (!_rb_expr_foreach_ref (expr, find_unknown_ref, &find))
    {
      const RbExprNode *unknown = find.unknown;

      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "unknown node '%s' at column %u", unknown->name, unknown->column);
      return FALSE;
    }
  return TRUE;
}
