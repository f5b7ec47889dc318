/* test-run-series.c — a run's series index and CSV files as the API serves
 * them (the rule shared by the server and both backends)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "rb-error.h"
#include "rb-json.h"
#include "rb-run-replay.h"
#include "rb-run-series.h"
#include "rb-run-store.h"
#include "rb-test-util.h"

#define RUN_ID "run_20261120T081500Z_7c1e2a90"
#define SERIES_ID "orders@ORDERS@DEFAULT"

typedef struct
{
  char       *data_dir;
  char       *run_dir;
  RbRunStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *sample = rb_test_data_path ("sample", NULL);

  f->data_dir = rb_test_make_temp_dir ();
  rb_test_copy_tree (sample, f->data_dir);
  f->run_dir = g_build_filename (f->data_dir, "runs", RUN_ID, NULL);
  f->store = rb_run_store_new (f->data_dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  rb_test_remove_tree (f->data_dir);
  g_free (f->data_dir);
  g_free (f->run_dir);
}

static RbRun *
get_run (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  RbRun *run = rb_run_store_get (f->store, RUN_ID, &error);

  g_assert_no_error (error);
  return run;
}

static void
put (Fixture    *f,
     const char *rel,
     const char *contents)
{
  g_autofree char *path = g_build_filename (f->run_dir, rel, NULL);

  rb_test_write_file (path, contents, -1);
}

static void
test_path_is_plain (void)
{
  g_assert_true (rb_run_series_path_is_plain ("series/a.csv"));
  g_assert_false (rb_run_series_path_is_plain (NULL));
  g_assert_false (rb_run_series_path_is_plain (""));
  g_assert_false (rb_run_series_path_is_plain ("/etc/passwd"));
  g_assert_false (rb_run_series_path_is_plain ("series/../../x"));
  g_assert_false (rb_run_series_path_is_plain ("series//a.csv"));
  g_assert_false (rb_run_series_path_is_plain ("./a.csv"));
  g_assert_false (rb_run_series_path_is_plain ("series\\a.csv"));
}

static void
test_index (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(RbRun) run = get_run (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) index = NULL;
  g_autofree char *path = g_build_filename (f->run_dir, "series", "index.json", NULL);
  g_autofree char *stored = NULL;
  g_autoptr(JsonNode) stored_node = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;

  index = rb_run_series_index_json (run, &error);
  g_assert_no_error (error);
  /* the stored members and order, serialised by our writer */
  stored = rb_test_read_file (path, NULL);
  stored_node = rb_json_parse (stored, -1, "series/index.json", &error);
  g_assert_no_error (error);
  expected = rb_json_to_data (stored_node, NULL);
  got = rb_json_to_data (index, NULL);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_index_hand_made (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(RbRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) index = NULL;
  g_autofree char *text = NULL;

  put (f, "series/index.json",
       "{\"series\":[{\"id\":\"a@A@DEFAULT\",\"path\":\"/etc/passwd\"},"
       "{\"id\":\"b@B@DEFAULT\",\"path\":\"series/../../b.csv\"},"
       "{\"id\":\"c@C@DEFAULT\",\"path\":\"series/c.csv\"},7]}");
  run = get_run (f);
  index = rb_run_series_index_json (run, &error);
  g_assert_no_error (error);
  text = rb_json_to_compact (index);
  g_assert_cmpstr (text, ==,
                   "{\"series\":[{\"id\":\"a@A@DEFAULT\",\"path\":null},"
                   "{\"id\":\"b@B@DEFAULT\",\"path\":null},"
                   "{\"id\":\"c@C@DEFAULT\",\"path\":\"series/c.csv\"},7]}");
}

static void
test_index_errors (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->run_dir, "series", "index.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autoptr(JsonNode) index = NULL;

  run = get_run (f);
  g_assert_cmpint (g_unlink (path), ==, 0);
  index = rb_run_series_index_json (run, &error);
  g_assert_null (index);
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==,
                   "Run " RUN_ID " has no series (series/index.json is missing).");
  g_clear_error (&error);

  rb_test_write_file (path, "[1]", -1);
  index = rb_run_series_index_json (run, &error);
  g_assert_null (index);
  g_assert_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE);
  g_assert_null (strstr (error->message, f->data_dir));
  g_clear_error (&error);

  rb_test_write_file (path, "{", -1);
  index = rb_run_series_index_json (run, &error);
  g_assert_null (index);
  g_assert_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "series/index.json"));
  g_assert_null (strstr (error->message, f->data_dir));
}

static void
test_csv (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(RbRun) run = get_run (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = g_build_filename (f->run_dir, "series", SERIES_ID ".csv", NULL);
  gsize len = 0;
  g_autofree char *stored = rb_test_read_file (path, &len);

  bytes = rb_run_series_csv (run, SERIES_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), stored, len);
}

static void
test_csv_errors (Fixture       *f,
                 gconstpointer  data)
{
  static const struct {
    const char  *id;
    RbErrorCode  code;
    const char  *field;
    const char  *message;
  } cases[] = {
    { "nope@NOPE@DEFAULT", RB_ERROR_NOT_FOUND, NULL, "Run " RUN_ID " has no series nope@NOPE@DEFAULT." },
    { "abc", RB_ERROR_INVALID_REQUEST, "seriesId", NULL },
    { "../../run.json", RB_ERROR_INVALID_REQUEST, "seriesId", NULL },
    { "a@B@../x", RB_ERROR_INVALID_REQUEST, "seriesId", NULL },
    { "", RB_ERROR_INVALID_REQUEST, "seriesId", NULL },
  };
  g_autoptr(RbRun) run = get_run (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = rb_run_series_csv (run, cases[i].id, &error);

      g_test_message ("%s", cases[i].id);
      g_assert_null (bytes);
      g_assert_error (error, RB_ERROR, cases[i].code);
      g_assert_cmpstr (rb_error_get_field (error), ==, cases[i].field);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_csv_outside (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autoptr(GBytes) bytes = NULL;

  put (f, "series/index.json",
       "{\"series\":[{\"id\":\"a@A@DEFAULT\",\"path\":\"../../../etc/passwd\"},"
       "{\"id\":\"c@C@DEFAULT\",\"path\":\"series/c.csv\"}]}");
  run = get_run (f);
  bytes = rb_run_series_csv (run, "a@A@DEFAULT", &error);
  g_assert_null (bytes);
  g_assert_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE);
  g_assert_cmpstr (error->message, ==,
                   "series/index.json gives series a@A@DEFAULT a path outside the run.");
  g_clear_error (&error);

  /* listed but missing: the run is damaged, the message names the file */
  bytes = rb_run_series_csv (run, "c@C@DEFAULT", &error);
  g_assert_null (bytes);
  g_assert_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "series/c.csv"));
  g_assert_null (strstr (error->message, f->data_dir));
}

static void
test_replay_body (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) body = rb_run_request_replay_body (RUN_ID, "model", TRUE);
  g_autoptr(RbRunRequest) resolved = NULL;
  g_autoptr(RbRunRequest) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = rb_json_to_compact (body);

  g_assert_cmpstr (text, ==, "{\"replayOf\":{\"runId\":\"" RUN_ID "\",\"kind\":\"model\"},"
                             "\"options\":{\"dryRun\":true}}");
  g_assert_true (rb_run_request_is_replay_body (body));

  resolved = rb_run_request_from_json_in (f->data_dir, body, &error);
  g_assert_no_error (error);
  expected = rb_run_request_for_replay (f->data_dir, RUN_ID, "model", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (resolved->template_id, ==, expected->template_id);
  g_assert_cmpstr (resolved->mode, ==, expected->mode);
  g_assert_cmpint (resolved->has_seed, ==, expected->has_seed);
  g_assert_true (resolved->seed == expected->seed);
  g_assert_cmpstr (resolved->replay_of_run_id, ==, RUN_ID);
  g_assert_true (resolved->dry_run);
  g_assert_true (json_object_get_size (resolved->parameters) ==
                 json_object_get_size (expected->parameters));
}

static void
test_replay_body_errors (Fixture       *f,
                         gconstpointer  data)
{
  static const struct {
    const char  *body;
    RbErrorCode  code;
    const char  *field;
  } cases[] = {
    { "{\"replayOf\":{\"runId\":\"..\",\"kind\":\"model\"}}", RB_ERROR_INVALID_REQUEST, "replayOf.runId" },
    { "{\"replayOf\":{\"runId\":\"" RUN_ID "\",\"kind\":\"x\"}}", RB_ERROR_INVALID_REQUEST, "replayOf.kind" },
    { "{\"replayOf\":{\"runId\":\"" RUN_ID "\",\"kind\":\"model\"},\"options\":{\"dryRun\":1}}", RB_ERROR_INVALID_REQUEST, "options.dryRun" },
    { "{\"replayOf\":{\"runId\":\"run_20990101T000000Z_nope\",\"kind\":\"model\"}}", RB_ERROR_NOT_FOUND, NULL },
    /* not a bare replay: the ordinary parser (mode is required) */
    { "{\"replayOf\":{\"runId\":\"" RUN_ID "\",\"kind\":\"model\"},\"parameters\":{}}", RB_ERROR_INVALID_REQUEST, "mode" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) body = rb_json_parse (cases[i].body, -1, "body", &error);
      g_autoptr(RbRunRequest) request = NULL;

      g_assert_no_error (error);
      g_test_message ("%s", cases[i].body);
      request = rb_run_request_from_json_in (f->data_dir, body, &error);
      g_assert_null (request);
      g_assert_error (error, RB_ERROR, cases[i].code);
      g_assert_cmpstr (rb_error_get_field (error), ==, cases[i].field);
    }
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/run-series/path-is-plain", test_path_is_plain);
  ADD ("/run-series/index", test_index);
  ADD ("/run-series/index/hand-made", test_index_hand_made);
  ADD ("/run-series/index/errors", test_index_errors);
  ADD ("/run-series/csv", test_csv);
  ADD ("/run-series/csv/errors", test_csv_errors);
  ADD ("/run-series/csv/outside", test_csv_outside);
  ADD ("/run-series/replay-body", test_replay_body);
  ADD ("/run-series/replay-body/errors", test_replay_body_errors);

  return g_test_run ();
}
