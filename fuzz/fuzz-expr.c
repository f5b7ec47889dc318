/* fuzz-expr.c — libFuzzer target: the expression parser and evaluators
 *
 * The input is an expression. One that parses is printed and parsed back,
 * its references are checked against three known series (a, b, c), and it
 * is evaluated over 8 bins both vectorised and bin by bin.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rb-expr.h"

#define N_BINS 8

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const double series_a[N_BINS] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const double series_b[N_BINS] = { 0, -1.5, 0, 2.5, 1e300, -0.0, 3, 0.25 };
static double series_c[N_BINS];

static const double *
lookup (const char *name,
        gpointer    user_data)
{
  if (g_ascii_strcasecmp (name, "a") == 0)
    return series_a;
  if (g_ascii_strcasecmp (name, "b") == 0)
    return series_b;
  if (g_ascii_strcasecmp (name, "c") == 0)
    return series_c;
  return NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *printed = NULL;
  g_autoptr(RbExpr) expr = NULL;
  g_autoptr(RbExpr) again = NULL;
  g_autoptr(GHashTable) known = NULL;
  g_autoptr(GPtrArray) same_bin = NULL;
  g_autoptr(GPtrArray) lagged = NULL;
  double out[N_BINS];

  /* The parser takes a NUL-terminated string, as every caller gives it. */
  text = g_strndup ((const char *) data, size);
  expr = rb_expr_parse (text, NULL);
  if (expr == NULL)
    return 0;

  /* The printed form parses back, except that it adds a pair of
   * parentheses per operation and may then pass the parser's nesting limit
   * (rb-expr.h): that must be the clear error, nothing else. */
  printed = rb_expr_to_string (expr);
  again = rb_expr_parse (printed, &error);
  if (again == NULL)
    g_assert_nonnull (strstr (error->message, "nested too deeply"));

  same_bin = g_ptr_array_new ();
  lagged = g_ptr_array_new ();
  rb_expr_collect_refs (expr, same_bin, lagged);

  known = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_add (known, (gpointer) "a");
  g_hash_table_add (known, (gpointer) "b");
  g_hash_table_add (known, (gpointer) "c");
  if (!rb_expr_check_refs (expr, known, NULL))
    return 0;

  for (guint t = 0; t < N_BINS; t++)
    series_c[t] = (double) t * 0.5 - 1;
  if (rb_expr_eval (expr, N_BINS, lookup, NULL, out, NULL))
    {
      for (guint t = 0; t < N_BINS; t++)
        {
          double value;

          if (rb_expr_eval_bin (expr, t, N_BINS, lookup, NULL, &value, NULL))
            g_assert_true (memcmp (&value, &out[t], sizeof value) == 0 ||
                           (value != value && out[t] != out[t]));
        }
    }
  return 0;
}
