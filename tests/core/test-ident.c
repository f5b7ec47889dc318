/* test-ident.c — identifiers from outside never reach a path unchecked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "rb-error.h"
#include "rb-ident.h"

static void
assert_rejected (RbIdentKind  kind,
                 const char  *value,
                 gssize       len,
                 const char  *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (rb_ident_validate (kind, value, len, "runId", &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (rb_error_get_field (error), ==, "runId");
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
  /* Never echo the value itself. */
  if (value != NULL && len < 0 && strlen (value) > 3)
    g_assert_null (strstr (error->message, value));
}

static void
test_names_valid (void)
{
  static const char *good[] = {
    "run_20261126T101530Z_3f2a", "a", "0", "A.b-c_d", "order-fulfillment",
    "v1.2.3", "x.", "a.b.c",
  };
  g_autofree char *max = g_strnfill (128, 'a');
  RbIdentKind kinds[] = { RB_IDENT_RUN_ID, RB_IDENT_CAPTURE_KEY, RB_IDENT_TEMPLATE_ID };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (good); i++)
        {
          g_autoptr(GError) error = NULL;

          g_assert_true (rb_ident_validate (kinds[k], good[i], -1, NULL, &error));
          g_assert_no_error (error);
        }
      g_assert_true (rb_ident_is_valid (kinds[k], max));
    }
  /* An explicit length takes a prefix of a longer buffer. */
  g_assert_true (rb_ident_validate (RB_IDENT_RUN_ID, "abc/def", 3, NULL, NULL));
}

static void
test_names_invalid (void)
{
  g_autofree char *too_long = g_strnfill (129, 'a');
  g_autofree char *huge = g_strnfill (10 * 1024, 'b');
  static const char rule_chars[] = "runId may contain only letters, digits, '.', '_' and '-'";
  static const char rule_start[] = "runId must start with a letter or a digit";

  assert_rejected (RB_IDENT_RUN_ID, "../x", -1, rule_start);
  assert_rejected (RB_IDENT_RUN_ID, "a/../b", -1, rule_chars);
  assert_rejected (RB_IDENT_RUN_ID, "a..b", -1, "runId must not contain \"..\"");
  assert_rejected (RB_IDENT_RUN_ID, "a..", -1, "runId must not contain \"..\"");
  assert_rejected (RB_IDENT_RUN_ID, "a/b", -1, rule_chars);
  assert_rejected (RB_IDENT_RUN_ID, "a\\b", -1, rule_chars);
  assert_rejected (RB_IDENT_RUN_ID, "%2e%2e", -1, rule_start);
  assert_rejected (RB_IDENT_RUN_ID, "a%2e%2e", -1, rule_chars);
  assert_rejected (RB_IDENT_RUN_ID, ".hidden", -1, rule_start);
  assert_rejected (RB_IDENT_RUN_ID, "-rf", -1, rule_start);
  assert_rejected (RB_IDENT_RUN_ID, "_x", -1, rule_start);
  assert_rejected (RB_IDENT_RUN_ID, "/abs", -1, rule_start);
  assert_rejected (RB_IDENT_RUN_ID, "a b", -1, rule_chars);
  assert_rejected (RB_IDENT_RUN_ID, "a\nb", -1, rule_chars);
  assert_rejected (RB_IDENT_RUN_ID, "café", -1, rule_chars);
  assert_rejected (RB_IDENT_RUN_ID, "ünicode", -1, rule_start);
  assert_rejected (RB_IDENT_RUN_ID, "", -1, "runId must not be empty");
  assert_rejected (RB_IDENT_RUN_ID, "abc", 0, "runId must not be empty");
  assert_rejected (RB_IDENT_RUN_ID, NULL, -1, "runId must not be empty");
  assert_rejected (RB_IDENT_RUN_ID, "ab\0cd", 5, "runId must not contain a NUL byte");
  assert_rejected (RB_IDENT_RUN_ID, "\0", 1, "runId must not contain a NUL byte");
  assert_rejected (RB_IDENT_RUN_ID, too_long, -1, "runId must be at most 128 characters long");
  assert_rejected (RB_IDENT_RUN_ID, huge, -1, "runId must be at most 128 characters long");

  g_assert_false (rb_ident_is_valid (RB_IDENT_TEMPLATE_ID, "../etc/passwd"));
  g_assert_false (rb_ident_is_valid (RB_IDENT_CAPTURE_KEY, "key/.."));
}

static void
test_field_name (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (rb_ident_validate (RB_IDENT_CAPTURE_KEY, "a/b", -1, NULL, &error));
  g_assert_cmpstr (error->message, ==,
                   "captureKey may contain only letters, digits, '.', '_' and '-'");
  g_assert_cmpstr (rb_error_get_field (error), ==, "captureKey");
  g_clear_error (&error);

  g_assert_false (rb_ident_validate (RB_IDENT_TEMPLATE_ID, "", -1, "metadata.id", &error));
  g_assert_cmpstr (error->message, ==, "metadata.id must not be empty");
  g_assert_cmpstr (rb_error_get_field (error), ==, "metadata.id");
}

static void
test_series (void)
{
  static const char *good[] = {
    "arrivals@ARRIVALS@DEFAULT", "order_served@ORDER_SERVED@DEFAULT", "a@B@c-d", "1@2@3",
  };
  static const char *bad[] = {
    "arrivals", "a@b", "a@b@", "@b@c", "a@@c", "a@b@c@d", "a-x@B@C", "a@B-x@C",
    "a@B@C.csv", "../a@B@C", "a@B@C/..", "a@B@ü", "a b@B@C", "a@B@C\n",
  };
  g_autofree char *long_ok = NULL;
  g_autofree char *long_bad = NULL;
  g_autofree char *node = g_strnfill (254, 'n');
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (rb_ident_is_valid (RB_IDENT_SERIES_ID, good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      if (rb_ident_is_valid (RB_IDENT_SERIES_ID, bad[i]))
        g_error ("\"%s\" should be rejected", bad[i]);
    }

  long_ok = g_strconcat (node, "@", node, "@DE", NULL);     /* 512 */
  long_bad = g_strconcat (node, "@", node, "@DEF", NULL);   /* 513 */
  g_assert_cmpuint (strlen (long_ok), ==, 512);
  g_assert_true (rb_ident_is_valid (RB_IDENT_SERIES_ID, long_ok));
  g_assert_false (rb_ident_validate (RB_IDENT_SERIES_ID, long_bad, -1, NULL, &error));
  g_assert_cmpstr (error->message, ==, "seriesId must be at most 512 characters long");
  g_clear_error (&error);

  g_assert_false (rb_ident_validate (RB_IDENT_SERIES_ID, "a@B@C\0x", 7, NULL, &error));
  g_assert_cmpstr (error->message, ==, "seriesId must not contain a NUL byte");
  g_clear_error (&error);

  g_assert_false (rb_ident_validate (RB_IDENT_SERIES_ID, "a/b", -1, NULL, &error));
  g_assert_cmpstr (error->message, ==,
                   "seriesId must have the form node@NODE@CLASS "
                   "(letters, digits and '_'; also '-' in the class)");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ident/names/valid", test_names_valid);
  g_test_add_func ("/ident/names/invalid", test_names_invalid);
  g_test_add_func ("/ident/field-name", test_field_name);
  g_test_add_func ("/ident/series", test_series);

  return g_test_run ();
}
