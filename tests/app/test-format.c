/* test-format.c — how the app words run facts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "rb-format.h"

static gint64
unix_utc (int y, int mo, int d, int h, int mi)
{
  g_autoptr(GDateTime) t = g_date_time_new_utc (y, mo, d, h, mi, 0);

  return g_date_time_to_unix (t);
}

static void
test_created (void)
{
  /* TZ=UTC in the test environment: local time is UTC. */
  g_autoptr(GDateTime) now = g_date_time_new_utc (2025, 10, 2, 15, 30, 0);
  struct { gint64 created; const char *expected; } cases[] = {
    { unix_utc (2025, 10, 2, 15, 29), "1 minute ago" },
    { unix_utc (2025, 10, 2, 15, 30), "Just now" },
    { unix_utc (2025, 10, 2, 15, 25), "5 minutes ago" },
    { unix_utc (2025, 10, 2, 9, 12), "Today 09:12" },
    { unix_utc (2025, 10, 1, 14, 2), "Yesterday 14:02" },
    { unix_utc (2025, 9, 30, 23, 59), "2025-09-30 23:59" },
    { unix_utc (2025, 10, 3, 8, 0), "2025-10-03 08:00" },   /* in the future */
    { 0, "Unknown" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = rb_format_created (cases[i].created, now);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_timestamp (void)
{
  g_autofree char *a = rb_format_timestamp ("2026-11-26T10:15:30.123456Z");
  g_autofree char *b = rb_format_timestamp ("not a time");

  g_assert_cmpstr (a, ==, "2026-11-26 10:15");
  g_assert_null (b);
}

static void
test_short_run_id (void)
{
  struct { const char *id; const char *expected; } cases[] = {
    { "run_20251001T120000Z_abcd1234", "abcd1234" },
    { "run_20251001T120000Z_ab", "run_20251001T120000…" },
    { "RUN_1", "RUN_1" },
    { "a-really-long-hand-made-run-identifier", "a-really-long-hand-…" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = rb_format_short_run_id (cases[i].id);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_grid_and_mode (void)
{
  g_autofree char *grid = rb_format_grid (288, 5, "minutes");
  g_autofree char *one = rb_format_grid (1, 1, "hours");

  g_assert_cmpstr (grid, ==, "288 bins × 5 min");
  g_assert_cmpstr (one, ==, "1 bin × 1 h");
  g_assert_cmpstr (rb_format_mode ("simulation"), ==, "Simulation");
  g_assert_cmpstr (rb_format_mode ("telemetry"), ==, "Telemetry");
}

static void
test_json_value (void)
{
  g_autoptr(JsonNode) str = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) num = json_node_new (JSON_NODE_VALUE);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  json_node_set_string (str, "peak");
  json_node_set_int (num, 100);
  a = rb_format_json_value (str);
  b = rb_format_json_value (num);

  g_assert_cmpstr (a, ==, "peak");
  g_assert_cmpstr (b, ==, "100");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/format/created", test_created);
  g_test_add_func ("/app/format/timestamp", test_timestamp);
  g_test_add_func ("/app/format/short-run-id", test_short_run_id);
  g_test_add_func ("/app/format/grid-and-mode", test_grid_and_mode);
  g_test_add_func ("/app/format/json-value", test_json_value);

  return g_test_run ();
}
