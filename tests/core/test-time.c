/* test-time.c — timestamp format and the forms we read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "rb-time.h"

static void
test_format (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+02:00");
  g_autoptr(GDateTime) utc = g_date_time_new_utc (2026, 11, 26, 10, 15, 30.123456);
  g_autoptr(GDateTime) whole = g_date_time_new_utc (2026, 1, 2, 3, 4, 5);
  g_autoptr(GDateTime) offset = g_date_time_new (zone, 2026, 11, 26, 12, 15, 30);
  g_autofree char *a = rb_time_format (utc);
  g_autofree char *b = rb_time_format (whole);
  g_autofree char *c = rb_time_format (offset);

  g_assert_cmpstr (a, ==, "2026-11-26T10:15:30.123456Z");
  g_assert_cmpstr (b, ==, "2026-01-02T03:04:05.000000Z");
  g_assert_cmpstr (c, ==, "2026-11-26T10:15:30.000000Z");
}

static void
test_now (void)
{
  g_autofree char *now = rb_time_now_string ();
  g_autoptr(GDateTime) parsed = NULL;

  g_assert_cmpuint (strlen (now), ==, strlen ("2026-11-26T10:15:30.123456Z"));
  g_assert_true (g_str_has_suffix (now, "Z"));
  parsed = rb_time_parse (now);
  g_assert_nonnull (parsed);
}

static void
assert_parses (const char *text,
               const char *expected)
{
  g_autoptr(GDateTime) parsed = rb_time_parse (text);
  g_autofree char *formatted = NULL;

  if (parsed == NULL)
    g_error ("\"%s\" did not parse", text);
  formatted = rb_time_format (parsed);
  g_assert_cmpstr (formatted, ==, expected);
  g_assert_cmpint (g_date_time_get_utc_offset (parsed), ==, 0);
}

static void
test_parse (void)
{
  assert_parses ("2026-11-26T10:15:30.123456Z", "2026-11-26T10:15:30.123456Z");
  /* .NET "o" writes seven fraction digits. */
  assert_parses ("2026-11-26T10:15:30.1234567Z", "2026-11-26T10:15:30.123456Z");
  assert_parses ("2026-11-26T10:15:30Z", "2026-11-26T10:15:30.000000Z");
  assert_parses ("2026-11-26T12:15:30+02:00", "2026-11-26T10:15:30.000000Z");
  assert_parses ("2026-11-26T05:15:30.5-05:00", "2026-11-26T10:15:30.500000Z");
  assert_parses ("2026-11-26t10:15:30z", "2026-11-26T10:15:30.000000Z");
  assert_parses ("2026-11-26 10:15:30Z", "2026-11-26T10:15:30.000000Z");
  assert_parses ("2026-11-26T10:15:30", "2026-11-26T10:15:30.000000Z");
  assert_parses ("20261126T101530Z", "2026-11-26T10:15:30.000000Z");
  assert_parses (" 2026-11-26T10:15:30Z\n", "2026-11-26T10:15:30.000000Z");
  assert_parses ("2026-11-26", "2026-11-26T00:00:00.000000Z");
}

static void
test_parse_invalid (void)
{
  static const char *bad[] = {
    "", "   ", "yesterday", "2026-02-30T10:00:00Z", "2026-11-26T25:00:00Z",
    "2026-13-01", "2026-11-26T10:15:30.Z", "2026-11-26T10:15:30Zjunk",
  };

  g_assert_null (rb_time_parse (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GDateTime) parsed = rb_time_parse (bad[i]);

      if (parsed != NULL)
        g_error ("\"%s\" should not parse", bad[i]);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/time/format", test_format);
  g_test_add_func ("/time/now", test_now);
  g_test_add_func ("/time/parse", test_parse);
  g_test_add_func ("/time/parse-invalid", test_parse_invalid);

  return g_test_run ();
}
