/* test-expr.c — expression language: parser, both evaluators, node order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#include "rb-error.h"
#include "rb-expr.h"

#define N_MAX 256

#define NEST_ERROR "expression is nested too deeply (more than 200 levels of " \
                   "parentheses, function calls and minus signs) at column "
#define DEPTH_ERROR "expression is too long (more than 4000 operations " \
                    "inside each other) at column "

/* Named input series for the lookup. */
typedef struct
{
  const char *name;
  double      values[N_MAX];
} Input;

typedef struct
{
  Input *inputs;
  guint  n_inputs;
} Table;

static const double *
table_lookup (const char *name,
              gpointer    user_data)
{
  Table *table = user_data;

  for (guint i = 0; i < table->n_inputs; i++)
    if (strcmp (table->inputs[i].name, name) == 0)
      return table->inputs[i].values;
  return NULL;
}

/* Inputs of the golden tests (4 bins unless a test says otherwise). */
static Input golden_inputs[] = {
  { "x", { 1, 2, 3, 4, 5, 6, 7, 8 } },
  { "y", { 4, 3, 2, 1, 0, -1, -2, -3 } },
  { "z", { 0, 2, 0, -1, 0, 0, 0, 0 } },
  { "w", { 1, NAN, 3, INFINITY, 5, 6, 7, 8 } },
  { "zero", { 0 } },
};

static Table golden = { golden_inputs, G_N_ELEMENTS (golden_inputs) };

/* Same double, NaN equal to NaN, and the same sign of zero. */
static gboolean
same_double (double a,
             double b)
{
  if (isnan (a) || isnan (b))
    return isnan (a) && isnan (b);
  return a == b && signbit (a) == signbit (b);
}

static void
assert_series (const char   *text,
               const double *got,
               const double *expected,
               guint         n)
{
  for (guint t = 0; t < n; t++)
    if (!same_double (got[t], expected[t]))
      g_error ("%s: bin %u is %.17g, expected %.17g", text, t, got[t], expected[t]);
}

/* Evaluates @text both ways over @n bins; asserts both give @expected. */
static void
check_with (Table        *table,
            const char   *text,
            guint         n,
            const double *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbExpr) expr = rb_expr_parse (text, &error);
  double got[N_MAX];
  double bin[N_MAX];

  g_assert_no_error (error);
  g_assert_nonnull (expr);

  g_assert_true (rb_expr_eval (expr, n, table_lookup, table, got, &error));
  g_assert_no_error (error);
  assert_series (text, got, expected, n);

  for (guint t = 0; t < n; t++)
    {
      g_assert_true (rb_expr_eval_bin (expr, t, n, table_lookup, table, &bin[t], &error));
      g_assert_no_error (error);
    }
  assert_series (text, bin, expected, n);
}

#define CHECK(text, ...)                                                \
  G_STMT_START {                                                        \
    const double expected_[] = { __VA_ARGS__ };                         \
    check_with (&golden, text, G_N_ELEMENTS (expected_), expected_);    \
  } G_STMT_END

static void
test_arithmetic (void)
{
  CHECK ("1 + 2 * 3", 7, 7);
  CHECK ("(1 + 2) * 3", 9, 9);
  CHECK ("10 - 4 - 3", 3);
  CHECK ("48 / 4 / 2", 6);
  CHECK ("2 * 3 + 4 * 5", 26);
  CHECK ("2 * (3 + 4) * 5", 70);
  CHECK ("x * y + 1", 5, 7, 7, 5);
  CHECK ("x - y / 2", -1, 0.5, 2, 3.5);
  CHECK ("x-y-1", -4, -2, 0, 2);
  CHECK ("  x\t+\n1 ", 2, 3, 4, 5);
  CHECK ("0.1 + 0.2", 0.1 + 0.2);
  CHECK ("1.5e2 + 2E-1 + 007", 150.0 + 0.2 + 7.0);
  CHECK ("3e+0", 3);
}

static void
test_unary_minus (void)
{
  CHECK ("-x", -1, -2, -3, -4);
  CHECK ("2 - -3", 5);
  CHECK ("-2 * 3", -6);
  CHECK ("--4", 4);
  CHECK ("-(x + 1) * 2", -4, -6, -8, -10);
  CHECK ("MAX(0, -x + 2.5)", 1.5, 0.5, 0, 0);
  /* 0 − x: never a negative zero. */
  CHECK ("-0", 0);
  CHECK ("-zero", 0);
}

static void
test_division_by_zero (void)
{
  CHECK ("x / z", 0, 1, 0, -4);
  CHECK ("1 / 0", 0);
  CHECK ("0 / 0", 0);
  CHECK ("x / (z - z)", 0, 0, 0, 0);
  CHECK ("x / -zero", 0);
}

static void
test_min_max_clamp (void)
{
  CHECK ("MIN(x, y)", 1, 2, 2, 1);
  CHECK ("max(x, y)", 4, 3, 3, 4);
  CHECK ("Min(x, 2.5)", 1, 2, 2.5, 2.5);
  CHECK ("CLAMP(x, 2, 3)", 2, 2, 3, 3);
  CHECK ("clamp(y, z, 3)", 3, 3, 2, 1);
  CHECK ("MIN(w, 2)", 1, NAN, 2, 2);
  CHECK ("MAX(w, 2)", 2, NAN, 3, INFINITY);
  CHECK ("MAX(2, w)", 2, NAN, 3, INFINITY);
  /* .NET: +0 is greater than −0. */
  CHECK ("MAX(zero, 0 * -1)", 0);
  CHECK ("MIN(zero, 0 * -1)", -0.0);
}

static void
test_shift (void)
{
  CHECK ("SHIFT(x, 0)", 1, 2, 3, 4);
  CHECK ("SHIFT(x, 1)", 0, 1, 2, 3);
  CHECK ("shift(x, 2)", 0, 0, 1, 2);
  CHECK ("SHIFT(x, 2.0)", 0, 0, 1, 2);
  CHECK ("SHIFT(x, 10)", 0, 0, 0, 0);
  CHECK ("SHIFT(x * 2, 1)", 0, 2, 4, 6);
  CHECK ("SHIFT(5, 2)", 0, 0, 5, 5);
  CHECK ("SHIFT(SHIFT(x, 1), 2) + x", 1, 2, 3, 5);
}

static void
test_conv (void)
{
  CHECK ("CONV(x, [1, 0.5])", 1, 2.5, 4, 5.5);
  CHECK ("CONV(x, [0, 1])", 0, 1, 2, 3);
  CHECK ("CONV(x, 2)", 2, 4, 6, 8);
  CHECK ("CONV(x, [1, -1])", 1, 1, 1, 1);
  CHECK ("conv(x, [ 0.5 , +0.25, -0.25 ])", 0.5, 1.25, 1.75, 2.25);
  /* NaN and infinity samples are skipped. */
  CHECK ("CONV(w, [1, 1])", 1, 1, 3, 3);
  CHECK ("CONV(w, [1, 10, 100])", 1, 10, 103, 30);
  CHECK ("CONV(x + SHIFT(x, 1), [1, 1])", 1, 4, 8, 12);
  CHECK ("CONV(3, [1, 1, 1])", 3, 6, 9, 9);
}

static void
test_pulse (void)
{
  CHECK ("PULSE(3)", 1, 0, 0, 1, 0, 0, 1);
  CHECK ("PULSE(3, 1)", 0, 1, 0, 0, 1, 0, 0);
  CHECK ("pulse(2, 3, 5)", 0, 0, 0, 5, 0, 5, 0);
  CHECK ("PULSE(2, 0, x)", 1, 0, 3, 0, 5, 0, 7, 0);
  CHECK ("PULSE(1)", 1, 1, 1, 1);
  CHECK ("PULSE(4, 0, 1) * 80", 80, 0, 0, 0, 80, 0, 0, 0);
  CHECK ("PULSE(6, 0, 1) * (1 - PULSE(4, 2, 1))", 1, 0, 0, 0, 0, 0, 0, 0);
  CHECK ("PULSE(2, 10)", 0, 0, 0, 0);
}

static void
test_step_mod (void)
{
  CHECK ("STEP(x, 2.5)", 0, 0, 1, 1);
  CHECK ("STEP(x, y)", 0, 0, 1, 1);
  CHECK ("STEP(x, 2)", 0, 1, 1, 1);
  CHECK ("STEP(w, 2)", 0, 0, 1, 1);

  CHECK ("MOD(7, 3)", 1);
  CHECK ("MOD(-7, 3)", 2);
  CHECK ("MOD(7, -3)", -2);
  CHECK ("MOD(-7, -3)", -1);
  CHECK ("MOD(5.5, 2)", 1.5);
  CHECK ("MOD(-6, 3)", -0.0);
  CHECK ("MOD(5, 0)", 0);
  CHECK ("MOD(5, 1e-13)", 0);
  CHECK ("MOD(5, 1e-12)", fmod (5, 1e-12));
  CHECK ("MOD(x, z)", 0, 0, 0, 0);
  CHECK ("MOD(w, 2)", 1, NAN, 1, NAN);
  CHECK ("mod(x - 5, 3)", 2, -0.0, 1, 2);
}

static void
test_rounding (void)
{
  CHECK ("FLOOR(-2.5)", -3);
  CHECK ("CEIL(-2.5)", -2);
  CHECK ("ROUND(-2.5)", -3);
  CHECK ("ROUND(2.5)", 3);
  CHECK ("ROUND(0.5)", 1);
  CHECK ("ROUND(1.4)", 1);
  CHECK ("ROUND(0.49999999999999994)", 0);
  CHECK ("FLOOR(2)", 2);
  CHECK ("CEIL(x / 2)", 1, 1, 2, 2);
  CHECK ("floor(x / 2)", 0, 1, 1, 2);
  CHECK ("Round(x / 2)", 1, 1, 2, 2);
  CHECK ("ROUND(-x / 2)", -1, -1, -2, -2);
}

static void
test_parse_errors (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "1 +", "expected expression at column 4" },
    { "(a + b", "expected ')' at column 7" },
    { "MIN(a, b", "expected ',' or ')' at column 9" },
    { "MIN(a, (b + 1) * 2 c)", "expected ',' or ')' at column 20" },
    { "FOO(1)", "unknown function FOO at column 1" },
    { "a + foo (1)", "unknown function foo at column 5" },
    { "SHIFT(x, 1.5)", "SHIFT lag must be a non-negative integer literal at column 10" },
    { "SHIFT(x, -1)", "SHIFT lag must be a non-negative integer literal at column 10" },
    { "SHIFT(x, y)", "SHIFT lag must be a non-negative integer literal at column 10" },
    { "SHIFT(x, 1 + 1)", "SHIFT lag must be a non-negative integer literal at column 12" },
    { "MIN(a)", "MIN takes 2 arguments, not 1 at column 1" },
    { "x + max(a, b, c)", "MAX takes 2 arguments, not 3 at column 5" },
    { "CLAMP(a, b)", "CLAMP takes 3 arguments, not 2 at column 1" },
    { "ROUND(a, b)", "ROUND takes 1 argument, not 2 at column 1" },
    { "PULSE()", "PULSE takes 1 to 3 arguments, not 0 at column 1" },
    { "PULSE(1, 2, 3, 4)", "PULSE takes 1 to 3 arguments, not 4 at column 1" },
    { "PULSE(0)", "PULSE period must be a positive integer literal at column 7" },
    { "PULSE(p)", "PULSE period must be a positive integer literal at column 7" },
    { "PULSE(2, 0.5)", "PULSE phase must be a non-negative integer literal at column 10" },
    { "PULSE(2, -1)", "PULSE phase must be a non-negative integer literal at column 10" },
    { "CONV(x, y)", "CONV kernel must be an array literal like [0.5, 0.5] at column 9" },
    { "CONV([1], [1])", "array literal is only allowed as a CONV kernel at column 6" },
    { "[1, 2]", "array literal is only allowed as a CONV kernel at column 1" },
    { "MIN([1], a)", "array literal is only allowed as a CONV kernel at column 5" },
    { "x + [1]", "array literal is only allowed as a CONV kernel at column 5" },
    { "CONV(x, [1, a])", "expected number at column 13" },
    { "CONV(x, [1 2])", "expected ',' or ']' at column 12" },
    { "CONV(x, [])", "expected number at column 10" },
    { "CONV(x, [1,])", "expected number at column 12" },
    { "a b", "expected operator or end of expression at column 3" },
    { "a (b)", "unknown function a at column 1" },
    { "a $ b", "unexpected character '$' at column 3" },
    { "", "expected expression at column 1" },
    { "   ", "expected expression at column 4" },
    { "a)", "unmatched ')' at column 2" },
    { "()", "expected expression at column 2" },
    { "MIN(a,)", "expected expression at column 7" },
    { "MIN(,a)", "expected expression at column 5" },
    { "1.", "expected digit after '.' at column 3" },
    { ".5", "expected expression at column 1" },
    { "2x", "expected operator after number at column 2" },
    { "1e", "expected digit in exponent at column 3" },
    { "1e999", "number out of range at column 1" },
    { "a * * b", "expected expression at column 5" },
    { "é + 1", "unexpected character 'é' at column 1" },
    { "a + é", "unexpected character 'é' at column 5" },
    { "ab€c", "unexpected character '€' at column 3" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RbExpr) expr = rb_expr_parse (cases[i].text, &error);

      g_assert_null (expr);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
      if (g_strcmp0 (error->message, cases[i].message) != 0)
        g_error ("\"%s\": got \"%s\", expected \"%s\"", cases[i].text,
                 error->message, cases[i].message);
    }
}

static void
test_parse_limits (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) chain = g_string_new ("x");
  g_autoptr(GError) error = NULL;
  g_autoptr(RbExpr) expr = NULL;
  double out[4];

  /* Nesting is bounded, with an error instead of a crash. */
  for (guint i = 0; i < 300; i++)
    g_string_append_c (deep, '(');
  g_string_append_c (deep, 'x');
  for (guint i = 0; i < 300; i++)
    g_string_append_c (deep, ')');
  g_assert_null (rb_expr_parse (deep->str, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_true (g_str_has_prefix (error->message, NEST_ERROR));
  g_clear_error (&error);

  /* A long flat chain is fine (and needs one scratch series). */
  for (guint i = 1; i < 1000; i++)
    g_string_append (chain, " + x");
  expr = rb_expr_parse (chain->str, &error);
  g_assert_no_error (error);
  g_assert_true (rb_expr_eval (expr, 4, table_lookup, &golden, out, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (out[0], ==, 1000);
  g_assert_cmpfloat (out[3], ==, 4000);
  g_clear_pointer (&expr, rb_expr_free);

  /* Invalid UTF-8. */
  g_assert_null (rb_expr_parse ("a + \xff", &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "expression is not valid UTF-8");
  g_clear_error (&error);

  /* No bins: nothing to compute, references still checked. */
  expr = rb_expr_parse ("x + 1", &error);
  g_assert_true (rb_expr_eval (expr, 0, table_lookup, &golden, NULL, &error));
  g_assert_no_error (error);
}

static void
test_unknown_node (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbExpr) expr = rb_expr_parse ("x + MIN(1, nope)", &error);
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  double out[4];
  double value;

  g_assert_no_error (error);
  g_assert_false (rb_expr_eval (expr, 4, table_lookup, &golden, out, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "unknown node 'nope' at column 12");
  g_clear_error (&error);

  g_assert_false (rb_expr_eval_bin (expr, 2, 4, table_lookup, &golden, &value, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "unknown node 'nope' at column 12");
  g_clear_error (&error);

  g_hash_table_add (known, (gpointer) "x");
  g_assert_false (rb_expr_check_refs (expr, known, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "unknown node 'nope' at column 12");
  g_clear_error (&error);

  g_hash_table_add (known, (gpointer) "nope");
  g_assert_true (rb_expr_check_refs (expr, known, &error));
  g_assert_no_error (error);
}

static void
test_to_string (void)
{
  static const struct
  {
    const char *text;
    const char *printed;
  } cases[] = {
    { "a + b * 2 - SHIFT(c, 1)", "((a + (b * 2)) - SHIFT(c, 1))" },
    { "a - (b - c)", "(a - (b - c))" },
    { "a / b / c", "((a / b) / c)" },
    { "min(a, -b)", "MIN(a, (-b))" },
    { "conv(x, [0, 0.6, -0.1])", "CONV(x, [0, 0.6, -0.1])" },
    { "conv(x, 0.5)", "CONV(x, [0.5])" },
    { "PULSE(4)", "PULSE(4, 0)" },
    { "pulse(4, 1, x)", "PULSE(4, 1, x)" },
    { "1.5e2 + 0.1 + 1e-7", "((150 + 0.1) + 1e-07)" },
    { "clamp(step(a, 1), mod(b, 2), round(floor(c) + ceil(d)))",
      "CLAMP(STEP(a, 1), MOD(b, 2), ROUND((FLOOR(c) + CEIL(d))))" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RbExpr) expr = rb_expr_parse (cases[i].text, &error);
      g_autoptr(RbExpr) again = NULL;
      g_autofree char *printed = NULL;
      g_autofree char *printed_again = NULL;

      g_assert_no_error (error);
      printed = rb_expr_to_string (expr);
      g_assert_cmpstr (printed, ==, cases[i].printed);
      g_assert_cmpstr (rb_expr_get_text (expr), ==, cases[i].text);

      again = rb_expr_parse (printed, &error);
      g_assert_no_error (error);
      printed_again = rb_expr_to_string (again);
      g_assert_cmpstr (printed_again, ==, printed);
    }
}

/* Found by fuzz/fuzz-expr: the printed form of a long but valid
 * expression nests deeper than the input (one pair of parentheses per
 * operation); reading it back is the clear nesting error, never a crash. */
static void
test_print_deep (void)
{
  g_autoptr(GString) chain = g_string_new ("a");
  g_autoptr(GError) error = NULL;
  g_autoptr(RbExpr) expr = NULL;
  g_autoptr(RbExpr) again = NULL;
  g_autofree char *printed = NULL;

  for (guint i = 0; i < 299; i++)
    g_string_append (chain, "+a");
  expr = rb_expr_parse (chain->str, &error);
  g_assert_no_error (error);
  printed = rb_expr_to_string (expr);
  g_assert_true (g_str_has_suffix (printed, ") + a) + a)"));

  again = rb_expr_parse (printed, &error);
  g_assert_null (again);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, NEST_ERROR "201");
  g_clear_error (&error);

  g_clear_pointer (&expr, rb_expr_free);
  g_clear_pointer (&printed, g_free);
  expr = rb_expr_parse ("-------------------------------------------------------------------------------------------------------------------a", &error);
  g_assert_no_error (error);
  printed = rb_expr_to_string (expr);
  again = rb_expr_parse (printed, &error);
  g_assert_null (again);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_true (g_str_has_prefix (error->message, NEST_ERROR));
}

/* "a - a - … - a" with @n_ops operators: a left-deep tree n_ops + 1 deep. */
static char *
make_chain (guint n_ops)
{
  GString *chain = g_string_sized_new (2 * (gsize) n_ops + 1);

  g_string_append_c (chain, 'x');
  for (guint i = 0; i < n_ops; i++)
    g_string_append (chain, "-x");
  return g_string_free (chain, FALSE);
}

static char *
repeat_around (const char *before,
               const char *middle,
               const char *after,
               guint       n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (text, before);
  g_string_append (text, middle);
  for (guint i = 0; i < n; i++)
    g_string_append (text, after);
  return g_string_free (text, FALSE);
}

static void
assert_parse_error (const char *text,
                    const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbExpr) expr = rb_expr_parse (text, &error);

  g_assert_null (expr);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, message);
}

/* Parses, prints, walks and evaluates (both ways) the deepest chain the
 * parser accepts; returns NULL when every check passed. Runs on a thread
 * with a small stack (test_deep_small_stack), so it must not recurse per
 * tree level. */
static void *
deepest_chain_checks (void *data)
{
  g_autofree char *text = make_chain (3999);
  g_autoptr(GError) error = NULL;
  g_autoptr(RbExpr) expr = rb_expr_parse (text, &error);
  g_autoptr(GPtrArray) same_bin = g_ptr_array_new ();
  g_autoptr(GPtrArray) lagged = g_ptr_array_new ();
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) plan = NULL;
  g_autofree char *printed = NULL;
  const char *names[] = { "x", "d" };
  RbExpr *exprs[2] = { NULL, NULL };
  double out[4];

  g_assert_no_error (error);
  g_assert_nonnull (expr);

  g_assert_true (rb_expr_eval (expr, 4, table_lookup, &golden, out, &error));
  g_assert_no_error (error);
  for (guint t = 0; t < 4; t++)
    {
      double value;

      g_assert_cmpfloat (out[t], ==, -3998.0 * (t + 1));
      g_assert_true (rb_expr_eval_bin (expr, t, 4, table_lookup, &golden, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (value, ==, out[t]);
    }

  rb_expr_collect_refs (expr, same_bin, lagged);
  g_assert_cmpuint (same_bin->len, ==, 1);
  g_assert_cmpuint (lagged->len, ==, 0);
  g_hash_table_add (known, (gpointer) "x");
  g_assert_true (rb_expr_check_refs (expr, known, &error));
  g_assert_no_error (error);

  exprs[1] = expr;
  plan = rb_expr_order_nodes (names, exprs, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->len, ==, 2);

  printed = rb_expr_to_string (expr);
  g_assert_cmpuint (strspn (printed, "("), ==, 3999);
  g_assert_true (g_str_has_prefix (printed + 3999, "x - x) - x)"));
  g_assert_true (g_str_has_suffix (printed, " - x) - x)"));
  g_assert_cmpuint (strlen (printed), ==, 3999 * 6 + 1);
  return data;
}

/* Found by fuzz/fuzz-expr (fuzz/findings/expr/deep-chain-stack-overflow.txt):
 * a chain about 500 operations deep overflowed the stack of the ASan build
 * in the recursive evaluator. Every walk is iterative now; a tree deeper
 * than the stated limit is a clear error at parse time. */
static void
test_deep (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "fuzz", "findings", "expr",
                                                 "deep-chain-stack-overflow.txt", NULL);
  g_autofree char *finding = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RbExpr) expr = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *chain = NULL;
  g_autofree char *text = NULL;
  Input inputs[] = {
    { "a", { 1, 2, 3, 4 } },
    { "b", { 0, -1.5, 1e300, 0.25 } },
  };
  Table table = { inputs, G_N_ELEMENTS (inputs) };
  double out[4];

  /* The finding itself: a valid expression; both evaluators agree. */
  g_assert_true (g_file_get_contents (path, &finding, NULL, &error));
  g_assert_no_error (error);
  expr = rb_expr_parse (finding, &error);
  g_assert_no_error (error);
  g_assert_true (rb_expr_eval (expr, 4, table_lookup, &table, out, &error));
  g_assert_no_error (error);
  for (guint t = 0; t < 4; t++)
    {
      double value;

      g_assert_true (rb_expr_eval_bin (expr, t, 4, table_lookup, &table, &value, &error));
      g_assert_no_error (error);
      g_assert_true (same_double (value, out[t]));
    }
  printed = rb_expr_to_string (expr);
  g_assert_true (g_str_has_suffix (printed, " - 9) - 9)"));
  g_clear_pointer (&expr, rb_expr_free);

  /* The deepest tree the parser accepts (4 000 levels) works everywhere. */
  g_assert_null (deepest_chain_checks (NULL));

  /* One level more, and far more: the limit, named, at the operator that
   * passes it (column 2 × 4 000). */
  chain = make_chain (4000);
  assert_parse_error (chain, DEPTH_ERROR "8000");
  g_clear_pointer (&chain, g_free);
  chain = make_chain (100000);
  assert_parse_error (chain, DEPTH_ERROR "8000");

  /* Calls and minus signs count too. */
  g_clear_pointer (&chain, g_free);
  chain = make_chain (3999);
  text = g_strdup_printf ("FLOOR(%s)", chain);
  assert_parse_error (text, DEPTH_ERROR "1");
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("-(%s)", chain);
  assert_parse_error (text, DEPTH_ERROR "1");
  g_clear_pointer (&text, g_free);

  /* 100 000 levels of parentheses, calls or minus signs. */
  text = repeat_around ("(", "x", ")", 100000);
  assert_parse_error (text, NEST_ERROR "201");
  g_clear_pointer (&text, g_free);
  text = repeat_around ("floor(", "x", ")", 100000);
  assert_parse_error (text, NEST_ERROR "1201");
  g_clear_pointer (&text, g_free);
  text = repeat_around ("-", "x", "", 100000);
  assert_parse_error (text, NEST_ERROR "201");
  g_clear_pointer (&text, g_free);
  text = repeat_around ("shift(", "x", ", 1)", 100000);
  assert_parse_error (text, NEST_ERROR "1201");
}


/* The same checks on a thread with a 256 KiB stack: a walk recursing once
 * per level would need several times that (and ASan frames are larger). */
static void
test_deep_small_stack (void)
{
  pthread_attr_t attr;
  pthread_t thread;
  void *result = &result;

  g_assert_cmpint (pthread_attr_init (&attr), ==, 0);
  g_assert_cmpint (pthread_attr_setstacksize (&attr, 256 * 1024), ==, 0);
  g_assert_cmpint (pthread_create (&thread, &attr, deepest_chain_checks, NULL), ==, 0);
  g_assert_cmpint (pthread_join (thread, &result), ==, 0);
  pthread_attr_destroy (&attr);
  g_assert_null (result);
}

static char *
join_names (GPtrArray *names)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, g_ptr_array_index (names, i));
    }
  return g_string_free (out, FALSE);
}

static void
test_collect_refs (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbExpr) expr =
    rb_expr_parse ("a + SHIFT(b, 1) + SHIFT(a, 0) + CONV(SHIFT(c + d, 2), [1]) + MIN(b, e)"
                   " + SHIFT(SHIFT(f, 0), 3) + SHIFT(CONV(g, [1, 1]), 0)", &error);
  g_autoptr(GPtrArray) same = g_ptr_array_new ();
  g_autoptr(GPtrArray) lagged = g_ptr_array_new ();
  g_autofree char *same_str = NULL;
  g_autofree char *lagged_str = NULL;

  g_assert_no_error (error);
  rb_expr_collect_refs (expr, same, lagged);
  same_str = join_names (same);
  lagged_str = join_names (lagged);
  g_assert_cmpstr (same_str, ==, "a,b,e,g");
  g_assert_cmpstr (lagged_str, ==, "b,c,d,f");

  /* Either array may be NULL. */
  g_ptr_array_set_size (same, 0);
  rb_expr_collect_refs (expr, same, NULL);
  g_assert_cmpuint (same->len, ==, 4);
}

/* --- graph --------------------------------------------------------------- */

/* "a b | (c d)": plain steps, loops in parentheses, node names. */
static char *
plan_to_string (GPtrArray          *steps,
                const char * const *names)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < steps->len; i++)
    {
      RbExprStep *step = g_ptr_array_index (steps, i);

      if (i > 0)
        g_string_append (out, " | ");
      if (step->lagged_loop)
        g_string_append_c (out, '(');
      for (guint j = 0; j < step->n_nodes; j++)
        {
          if (j > 0)
            g_string_append_c (out, ' ');
          g_string_append (out, names[step->nodes[j]]);
        }
      if (step->lagged_loop)
        g_string_append_c (out, ')');
    }
  return g_string_free (out, FALSE);
}

/* @defs: "name=expr" (or "name" alone for a node without references). */
static GPtrArray *
plan_of (const char * const  *defs,
         guint                n,
         char              ***names_out,
         GError             **error)
{
  g_auto(GStrv) names = g_new0 (char *, n + 1);
  g_autoptr(GPtrArray) exprs = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_expr_free);
  GPtrArray *steps;

  for (guint i = 0; i < n; i++)
    {
      const char *eq = strchr (defs[i], '=');
      g_autoptr(GError) local_error = NULL;

      names[i] = eq ? g_strndup (defs[i], eq - defs[i]) : g_strdup (defs[i]);
      g_ptr_array_add (exprs, eq ? rb_expr_parse (eq + 1, &local_error) : NULL);
      g_assert_no_error (local_error);
    }

  steps = rb_expr_order_nodes ((const char * const *) names,
                               (RbExpr * const *) exprs->pdata, n, error);
  *names_out = g_steal_pointer (&names);
  return steps;
}

static void
check_plan (const char * const *defs,
            guint               n,
            const char         *expected)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(GPtrArray) steps = plan_of (defs, n, &names, &error);
  g_autofree char *got = NULL;

  g_assert_no_error (error);
  got = plan_to_string (steps, (const char * const *) names);
  g_assert_cmpstr (got, ==, expected);
}

static void
check_plan_error (const char * const *defs,
                  guint               n,
                  const char         *message)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(GPtrArray) steps = plan_of (defs, n, &names, &error);

  g_assert_null (steps);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, message);
}

#define PLAN(expected, ...)                                               \
  G_STMT_START {                                                          \
    const char *defs_[] = { __VA_ARGS__ };                                \
    check_plan (defs_, G_N_ELEMENTS (defs_), expected);                   \
  } G_STMT_END

#define PLAN_ERROR(message, ...)                                          \
  G_STMT_START {                                                          \
    const char *defs_[] = { __VA_ARGS__ };                                \
    check_plan_error (defs_, G_N_ELEMENTS (defs_), message);              \
  } G_STMT_END

static void
test_graph_order (void)
{
  PLAN ("a | b | c", "c=a + b", "a=1", "b=a * 2");
  PLAN ("a | b | c", "a", "b", "c");
  PLAN ("b | a | d | c", "a=b", "b", "c=a + d", "d=SHIFT(b, 0)");
  /* A lagged reference still orders whole-series steps. */
  PLAN ("b | a", "a=SHIFT(b, 2)", "b=5");
  check_plan (NULL, 0, "");
}

static void
test_graph_cycles (void)
{
  PLAN_ERROR ("cycle between nodes a → b → a", "a=b + 1", "b=a * 2");
  PLAN_ERROR ("cycle between nodes x → x", "x=x + 1");
  PLAN_ERROR ("cycle between nodes a → c → b → a", "a=c", "b=a", "c=b");
  PLAN_ERROR ("cycle between nodes b → c → b", "a=b", "b=c", "c=MIN(b, 1)");
  /* SHIFT(…, 0) is a same-bin edge. */
  PLAN_ERROR ("cycle between nodes a → b → a", "a=SHIFT(b, 0)", "b=a");
  /* A same-bin cycle inside a lagged loop is still an error. */
  PLAN_ERROR ("cycle between nodes a → c → b → a",
              "a=SHIFT(b, 1) + c", "b=a", "c=b");
  PLAN_ERROR ("node 'a': unknown node 'zz' at column 5", "a=1 + zz");
}

static void
test_graph_lagged_loops (void)
{
  PLAN ("(x)", "x=SHIFT(x, 1) + 1");
  PLAN ("in | (out q) | report",
        "in", "q=SHIFT(q, 1) + in - out", "out=MIN(SHIFT(q, 1), 2)", "report=q * 2");
  PLAN ("(a b) | c", "a=SHIFT(b, 1) + 1", "b=SHIFT(a, 2) * 0.5 + a", "c=a");
  PLAN ("s | (a b) | (c)", "a=SHIFT(b, 1) + s", "b=a", "c=SHIFT(c, 1) + b", "s");
}

/* Engine-style evaluation of a plan: whole series, or bin by bin for a
 * lagged loop. */
typedef struct
{
  char  **names;
  double  values[8][N_MAX];
  guint   n;
} Nodes;

static const double *
nodes_lookup (const char *name,
              gpointer    user_data)
{
  Nodes *nodes = user_data;

  for (guint i = 0; i < nodes->n; i++)
    if (strcmp (nodes->names[i], name) == 0)
      return nodes->values[i];
  return NULL;
}

static void
test_graph_evaluate_loop (void)
{
  const char *defs[] = {
    "report=q * 2", "q=SHIFT(q, 1) + in - out", "out=MIN(SHIFT(q, 1), 2)", "in",
  };
  const double in[] = { 3, 3, 3, 0 };
  const double q[] = { 3, 4, 5, 3 };
  const double out[] = { 0, 2, 2, 2 };
  const double report[] = { 6, 8, 10, 6 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) exprs = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_expr_free);
  g_autoptr(GPtrArray) steps = NULL;
  Nodes nodes = { 0 };
  const guint n_bins = 4;

  nodes.n = G_N_ELEMENTS (defs);
  nodes.names = g_new0 (char *, nodes.n + 1);
  for (guint i = 0; i < nodes.n; i++)
    {
      const char *eq = strchr (defs[i], '=');

      nodes.names[i] = eq ? g_strndup (defs[i], eq - defs[i]) : g_strdup (defs[i]);
      g_ptr_array_add (exprs, eq ? rb_expr_parse (eq + 1, &error) : NULL);
      g_assert_no_error (error);
    }
  memcpy (nodes.values[3], in, sizeof in);

  steps = rb_expr_order_nodes ((const char * const *) nodes.names,
                               (RbExpr * const *) exprs->pdata, nodes.n, &error);
  g_assert_no_error (error);

  for (guint s = 0; s < steps->len; s++)
    {
      RbExprStep *step = g_ptr_array_index (steps, s);

      if (!step->lagged_loop)
        {
          RbExpr *expr = g_ptr_array_index (exprs, step->nodes[0]);

          if (expr != NULL)
            g_assert_true (rb_expr_eval (expr, n_bins, nodes_lookup, &nodes,
                                         nodes.values[step->nodes[0]], &error));
          g_assert_no_error (error);
          continue;
        }
      for (guint t = 0; t < n_bins; t++)
        for (guint j = 0; j < step->n_nodes; j++)
          {
            guint node = step->nodes[j];

            g_assert_true (rb_expr_eval_bin (g_ptr_array_index (exprs, node), t, n_bins,
                                             nodes_lookup, &nodes,
                                             &nodes.values[node][t], &error));
            g_assert_no_error (error);
          }
    }

  assert_series ("q", nodes.values[1], q, n_bins);
  assert_series ("out", nodes.values[2], out, n_bins);
  assert_series ("report", nodes.values[0], report, n_bins);
  g_strfreev (nodes.names);
}

static void
test_graph_api (void)
{
  g_autoptr(RbExprGraph) graph = rb_expr_graph_new ();
  g_autoptr(RbExpr) expr = rb_expr_parse ("SHIFT(queue, 1) + arrivals", NULL);
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GError) error = NULL;
  guint index;

  g_assert_cmpuint (rb_expr_graph_add_node (graph, "arrivals"), ==, 0);
  g_assert_cmpuint (rb_expr_graph_add_node (graph, "queue"), ==, 1);
  g_assert_cmpuint (rb_expr_graph_add_node (graph, "served"), ==, 2);
  g_assert_cmpuint (rb_expr_graph_add_node (graph, "queue"), ==, 1);
  g_assert_cmpuint (rb_expr_graph_get_n_nodes (graph), ==, 3);
  g_assert_true (rb_expr_graph_lookup (graph, "served", &index));
  g_assert_cmpuint (index, ==, 2);
  g_assert_false (rb_expr_graph_lookup (graph, "nope", &index));
  g_assert_cmpstr (rb_expr_graph_get_name (graph, 1), ==, "queue");

  /* A non-expression node (a queue) reads served in the same bin. */
  g_assert_true (rb_expr_graph_add_dependency (graph, "queue", "served", FALSE));
  g_assert_true (rb_expr_graph_add_dependency (graph, "queue", "arrivals", FALSE));
  g_assert_false (rb_expr_graph_add_dependency (graph, "queue", "nope", FALSE));
  g_assert_true (rb_expr_graph_add_expr (graph, "served", expr, &error));
  g_assert_no_error (error);

  steps = rb_expr_graph_plan (graph, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (steps->len, ==, 2);
  g_assert_false (((RbExprStep *) steps->pdata[0])->lagged_loop);
  g_assert_cmpuint (((RbExprStep *) steps->pdata[0])->nodes[0], ==, 0);
  g_assert_true (((RbExprStep *) steps->pdata[1])->lagged_loop);
  g_assert_cmpuint (((RbExprStep *) steps->pdata[1])->n_nodes, ==, 2);
  g_assert_cmpuint (((RbExprStep *) steps->pdata[1])->nodes[0], ==, 2);
  g_assert_cmpuint (((RbExprStep *) steps->pdata[1])->nodes[1], ==, 1);
}

/* --- properties ---------------------------------------------------------- */

static Input random_inputs[] = {
  { "x", { 0 } },
  { "y", { 0 } },
  { "z", { 0 } },   /* some zeros, a NaN */
};

static Table random_table = { random_inputs, G_N_ELEMENTS (random_inputs) };

static void
fill_random (guint n)
{
  for (guint t = 0; t < n; t++)
    {
      random_inputs[0].values[t] = g_test_rand_double_range (-100, 100);
      random_inputs[1].values[t] = g_test_rand_int_range (-5, 6) * 0.5;
      random_inputs[2].values[t] = g_test_rand_int_range (0, 4) == 0 ? 0.0 :
                                   g_test_rand_double_range (-3, 3);
    }
  random_inputs[2].values[g_test_rand_int_range (0, n)] = NAN;
}

static void
eval_text (const char *text,
           guint       n,
           double     *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbExpr) expr = rb_expr_parse (text, &error);

  g_assert_no_error (error);
  g_assert_true (rb_expr_eval (expr, n, table_lookup, &random_table, out, &error));
  g_assert_no_error (error);
}

static void
assert_same_text (const char *a,
                  const char *b,
                  guint       n)
{
  double va[N_MAX], vb[N_MAX];

  eval_text (a, n, va);
  eval_text (b, n, vb);
  for (guint t = 0; t < n; t++)
    if (!same_double (va[t], vb[t]))
      g_error ("%s and %s differ at bin %u: %.17g vs %.17g", a, b, t, va[t], vb[t]);
}

static void
test_properties (void)
{
  for (guint round = 0; round < 40; round++)
    {
      guint n = g_test_rand_int_range (1, N_MAX + 1);
      double out[N_MAX];

      fill_random (n);

      for (guint p = 1; p <= 20; p++)
        {
          g_autofree char *text = g_strdup_printf ("PULSE(%u)", p);
          double sum = 0;

          eval_text (text, n, out);
          for (guint t = 0; t < n; t++)
            sum += out[t];
          g_assert_cmpfloat (sum, ==, (n + p - 1) / p);
        }

      assert_same_text ("CONV(x, [1])", "x", n);
      assert_same_text ("CONV(y, 1)", "y", n);
      assert_same_text ("CONV(x, [0, 1])", "SHIFT(x, 1)", n);
      assert_same_text ("CONV(x, [0, 0, 0, 1])", "SHIFT(x, 3)", n);
      for (guint i = 0; i < 3; i++)
        {
          guint a = g_test_rand_int_range (0, 12), b = g_test_rand_int_range (0, 12);
          g_autofree char *twice = g_strdup_printf ("SHIFT(SHIFT(x, %u), %u)", a, b);
          g_autofree char *once = g_strdup_printf ("SHIFT(x, %u)", a + b);

          assert_same_text (twice, once, n);
        }
      assert_same_text ("MIN(x, y) + MAX(x, y)", "x + y", n);
      assert_same_text ("MIN(x, y)", "-MAX(-x, -y)", n);
      assert_same_text ("MIN(x, x)", "x", n);
      assert_same_text ("MAX(y, y)", "y", n);
      assert_same_text ("MIN(x, y)", "MIN(y, x)", n);
      assert_same_text ("CLAMP(x, -10, 10)", "MAX(-10, MIN(10, x))", n);
    }
}

/* Random expressions: both evaluators agree bit for bit, and the printed
 * form parses back to an equivalent expression. */
static void
gen_expr (GString *out,
          guint    depth)
{
  static const char *const leaves[] = {
    "x", "y", "z", "0", "1", "2.5", "0.1", "3e-1", "7",
  };
  guint choice;

  if (depth == 0 || g_test_rand_int_range (0, 4) == 0)
    {
      g_string_append (out, leaves[g_test_rand_int_range (0, G_N_ELEMENTS (leaves))]);
      return;
    }

  choice = g_test_rand_int_range (0, 17);
  switch (choice)
    {
    case 0: case 1: case 2: case 3:
      g_string_append_c (out, '(');
      gen_expr (out, depth - 1);
      g_string_append_printf (out, " %c ", "+-*/"[choice]);
      gen_expr (out, depth - 1);
      g_string_append_c (out, ')');
      break;
    case 4:
      g_string_append (out, "-");
      gen_expr (out, depth - 1);
      break;
    case 5: case 6: case 7: case 8:
      g_string_append (out, (const char *[]) { "MIN(", "max(", "STEP(", "Mod(" }[choice - 5]);
      gen_expr (out, depth - 1);
      g_string_append (out, ", ");
      gen_expr (out, depth - 1);
      g_string_append_c (out, ')');
      break;
    case 9:
      g_string_append (out, "CLAMP(");
      gen_expr (out, depth - 1);
      g_string_append (out, ", ");
      gen_expr (out, depth - 1);
      g_string_append (out, ", ");
      gen_expr (out, depth - 1);
      g_string_append_c (out, ')');
      break;
    case 10:
      g_string_append (out, "SHIFT(");
      gen_expr (out, depth - 1);
      g_string_append_printf (out, ", %d)", g_test_rand_int_range (0, 5));
      break;
    case 11:
      g_string_append (out, "CONV(");
      gen_expr (out, depth - 1);
      g_string_append (out, ", [0.5, 0.25, -1])");
      break;
    case 12:
      g_string_append_printf (out, "PULSE(%d, %d, ", g_test_rand_int_range (1, 5),
                              g_test_rand_int_range (0, 4));
      gen_expr (out, depth - 1);
      g_string_append_c (out, ')');
      break;
    case 13:
      g_string_append_printf (out, "PULSE(%d)", g_test_rand_int_range (1, 5));
      break;
    case 14: case 15: case 16:
    default:
      g_string_append (out, (const char *[]) { "FLOOR(", "ceil(", "ROUND(" }[choice - 14]);
      gen_expr (out, depth - 1);
      g_string_append_c (out, ')');
      break;
    }
}

static void
test_vector_equals_bins (void)
{
  for (guint round = 0; round < 400; round++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(RbExpr) expr = NULL;
      g_autoptr(RbExpr) reparsed = NULL;
      g_autofree char *printed = NULL;
      guint n = g_test_rand_int_range (1, 64);
      double vec[N_MAX], again[N_MAX];

      fill_random (n);
      gen_expr (text, 5);
      expr = rb_expr_parse (text->str, &error);
      g_assert_no_error (error);

      g_assert_true (rb_expr_eval (expr, n, table_lookup, &random_table, vec, &error));
      g_assert_no_error (error);
      for (guint t = 0; t < n; t++)
        {
          double value;

          g_assert_true (rb_expr_eval_bin (expr, t, n, table_lookup, &random_table,
                                           &value, &error));
          g_assert_no_error (error);
          if (!same_double (value, vec[t]))
            g_error ("%s: bin %u vectorised %.17g, bin by bin %.17g",
                     text->str, t, vec[t], value);
        }

      printed = rb_expr_to_string (expr);
      reparsed = rb_expr_parse (printed, &error);
      g_assert_no_error (error);
      g_assert_true (rb_expr_eval (reparsed, n, table_lookup, &random_table, again, &error));
      g_assert_no_error (error);
      assert_series (printed, again, vec, n);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/expr/arithmetic", test_arithmetic);
  g_test_add_func ("/expr/unary-minus", test_unary_minus);
  g_test_add_func ("/expr/division-by-zero", test_division_by_zero);
  g_test_add_func ("/expr/min-max-clamp", test_min_max_clamp);
  g_test_add_func ("/expr/shift", test_shift);
  g_test_add_func ("/expr/conv", test_conv);
  g_test_add_func ("/expr/pulse", test_pulse);
  g_test_add_func ("/expr/step-mod", test_step_mod);
  g_test_add_func ("/expr/rounding", test_rounding);
  g_test_add_func ("/expr/parse-errors", test_parse_errors);
  g_test_add_func ("/expr/parse-limits", test_parse_limits);
  g_test_add_func ("/expr/unknown-node", test_unknown_node);
  g_test_add_func ("/expr/to-string", test_to_string);
  g_test_add_func ("/expr/collect-refs", test_collect_refs);
  g_test_add_func ("/expr/graph/order", test_graph_order);
  g_test_add_func ("/expr/graph/cycles", test_graph_cycles);
  g_test_add_func ("/expr/graph/lagged-loops", test_graph_lagged_loops);
  g_test_add_func ("/expr/graph/evaluate-loop", test_graph_evaluate_loop);
  g_test_add_func ("/expr/graph/api", test_graph_api);
  g_test_add_func ("/expr/properties", test_properties);
  g_test_add_func ("/expr/vector-equals-bins", test_vector_equals_bins);
  g_test_add_func ("/expr/print-deep", test_print_deep);
  g_test_add_func ("/expr/deep", test_deep);
  g_test_add_func ("/expr/deep-small-stack", test_deep_small_stack);

  return g_test_run ();
}
