/* test-error.c — the one table mapping error codes to api.md's machine
 * codes, HTTP statuses and CLI exit statuses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "rb-error.h"

/* Straight from api.md "Errors" and "CLI" (exit status). */
static const struct
{
  RbErrorCode  code;
  const char  *name;
  guint        http;
  int          exit_status;
} expected[] = {
  { RB_ERROR_INVALID_REQUEST,               "invalid_request",               400, 2 },
  { RB_ERROR_INVALID_TEMPLATE,              "invalid_template",              400, 2 },
  { RB_ERROR_INVALID_PARAMETER,             "invalid_parameter",             400, 2 },
  { RB_ERROR_UNAUTHORIZED,                  "unauthorized",                  401, 6 },
  { RB_ERROR_DISABLED,                      "disabled",                      403, 7 },
  { RB_ERROR_NOT_FOUND,                     "not_found",                     404, 4 },
  { RB_ERROR_METHOD_NOT_ALLOWED,            "method_not_allowed",            405, 2 },
  { RB_ERROR_ALREADY_EXISTS,                "already_exists",                409, 3 },
  { RB_ERROR_PAYLOAD_TOO_LARGE,             "payload_too_large",             413, 2 },
  { RB_ERROR_UNSUPPORTED_MEDIA_TYPE,        "unsupported_media_type",        415, 2 },
  { RB_ERROR_TELEMETRY_BUNDLE_MISSING,      "telemetry_bundle_missing",      422, 5 },
  { RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE, "telemetry_bundle_incompatible", 422, 5 },
  { RB_ERROR_NOTHING_TO_CAPTURE,            "nothing_to_capture",            422, 5 },
  { RB_ERROR_SOURCE_NOT_SIMULATION,         "source_not_simulation",         422, 5 },
  { RB_ERROR_RUN_UNREADABLE,                "run_unreadable",                422, 5 },
  { RB_ERROR_INTERNAL,                      "internal",                      500, 1 },
  { RB_ERROR_UNREACHABLE,                   "unreachable",                   0,   6 },
};

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      RbErrorCode back = RB_ERROR_INTERNAL;

      g_assert_cmpstr (rb_error_code_to_string (expected[i].code), ==, expected[i].name);
      g_assert_cmpuint (rb_error_code_http_status (expected[i].code), ==, expected[i].http);
      g_assert_cmpint (rb_error_code_exit_status (expected[i].code), ==, expected[i].exit_status);
      g_assert_true (rb_error_code_from_string (expected[i].name, &back));
      g_assert_cmpint (back, ==, expected[i].code);
    }
}

static void
test_unknown (void)
{
  RbErrorCode code = RB_ERROR_NOT_FOUND;

  g_assert_false (rb_error_code_from_string ("no_such_code", &code));
  g_assert_false (rb_error_code_from_string ("", &code));
  g_assert_false (rb_error_code_from_string (NULL, &code));
  g_assert_false (rb_error_code_from_string ("NOT_FOUND", &code));
  g_assert_cmpint (code, ==, RB_ERROR_NOT_FOUND);

  /* Out-of-range codes are treated as internal, never read past the table. */
  g_assert_cmpstr (rb_error_code_to_string ((RbErrorCode) 999), ==, "internal");
  g_assert_cmpuint (rb_error_code_http_status ((RbErrorCode) 999), ==, 500);
  g_assert_cmpint (rb_error_code_exit_status ((RbErrorCode) 999), ==, 1);
}

static void
test_field (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) copy = NULL;
  g_autoptr(GError) plain = NULL;
  g_autoptr(GError) other = NULL;

  rb_set_error_field (&error, RB_ERROR_INVALID_PARAMETER, "parameters.bins",
                      "bins must be at least %d", 1);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_PARAMETER);
  g_assert_cmpstr (error->message, ==, "bins must be at least 1");
  g_assert_cmpstr (rb_error_get_field (error), ==, "parameters.bins");
  g_assert_cmpint (rb_error_get_code (error), ==, RB_ERROR_INVALID_PARAMETER);

  /* The field survives g_error_copy. */
  copy = g_error_copy (error);
  g_assert_cmpstr (rb_error_get_field (copy), ==, "parameters.bins");

  /* No field, other domains, NULL. */
  g_set_error (&plain, RB_ERROR, RB_ERROR_NOT_FOUND, "run x not found");
  g_assert_null (rb_error_get_field (plain));
  g_assert_cmpint (rb_error_get_code (plain), ==, RB_ERROR_NOT_FOUND);

  g_set_error_literal (&other, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "gone");
  g_assert_null (rb_error_get_field (other));
  g_assert_cmpint (rb_error_get_code (other), ==, RB_ERROR_INTERNAL);
  g_assert_cmpint (rb_error_get_code (NULL), ==, RB_ERROR_INTERNAL);

  /* A NULL GError** is allowed. */
  rb_set_error_field (NULL, RB_ERROR_INTERNAL, "x", "ignored");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/error/table", test_table);
  g_test_add_func ("/error/unknown", test_unknown);
  g_test_add_func ("/error/field", test_field);

  return g_test_run ();
}
