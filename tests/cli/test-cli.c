/* test-cli.c — runboard-cli runs list/show against temp data folders
 *
 * Spawns the built runboard-cli (RUNBOARD_CLI) and checks what a user or a
 * script sees: exact --json bytes, exit statuses, table rows, messages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "rb-test-runs.h"
#include "rb-test-util.h"

typedef struct
{
  char *tmp;
  char *data_dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->tmp = rb_test_runs_make_data_dir (&f->data_dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  rb_test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->data_dir);
}

/* Runs runboard-cli with @args; @env entries are "NAME=VALUE" to set or
 * "NAME" to unset. Returns the exit status. */
static int
run_cli_env (const char * const *env,
             const char * const *args,
             char              **out,
             char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out_local = NULL;
  g_autofree char *err_local = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer) rb_test_cli_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      const char *eq = strchr (env[i], '=');

      if (eq == NULL)
        envp = g_environ_unsetenv (envp, env[i]);
      else
        {
          g_autofree char *name = g_strndup (env[i], eq - env[i]);
          envp = g_environ_setenv (envp, name, eq + 1, TRUE);
        }
    }

  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                &out_local, &err_local, &wait_status, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_steal_pointer (&out_local);
  if (err != NULL)
    *err = g_steal_pointer (&err_local);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

#define run_cli(args, out, err) run_cli_env (NULL, (args), (out), (err))

/* Compares @actual with tests/cli/golden/@name; RB_UPDATE_GOLDEN=1 rewrites
 * the file instead (then review the diff). */
static void
assert_golden (const char *actual,
               const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "cli", "golden", name, NULL);
  g_autofree char *expected = NULL;

  if (g_strcmp0 (g_getenv ("RB_UPDATE_GOLDEN"), "1") == 0)
    {
      rb_test_write_file (path, actual, -1);
      return;
    }
  expected = rb_test_read_file (path, NULL);
  g_assert_cmpstr (actual, ==, expected);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);
  JsonObject *object;

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_object_ref (json_node_get_object (node));
  json_node_unref (node);
  return object;
}

static void
test_list_json (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--data-dir", f->data_dir, "runs", "list", "--json", NULL };

  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  assert_golden (out, "runs-list.json");
}

static void
test_list_json_filters (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) body = NULL;
  JsonArray *items;
  const char *args[] = { "--data-dir", f->data_dir, "runs", "list",
                         "--template", "warehouse-picker-waves", "--sort", "created",
                         "--order", "asc", "--page", "2", "--page-size=1", "--json", NULL };
  const char *args_warn[] = { "--data-dir", f->data_dir, "runs", "list", "--has-warnings",
                              "--mode", "simulation", "--telemetry", "missing", "--json", NULL };
  const char *args_search[] = { "--data-dir", f->data_dir, "runs", "list", "--search", "Clinic",
                                "--json", NULL };

  g_assert_cmpint (run_cli (args, &out, NULL), ==, 0);
  body = parse_object (out);
  g_assert_cmpint (json_object_get_int_member (body, "totalCount"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (body, "page"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (body, "pageSize"), ==, 1);
  items = json_object_get_array_member (body, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  /* ascending by creation: page 2 holds the newer warehouse run */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "runId"),
                   ==, RB_TEST_RUN_PICKING);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&body, json_object_unref);

  g_assert_cmpint (run_cli (args_warn, &out, NULL), ==, 0);
  body = parse_object (out);
  g_assert_cmpint (json_object_get_int_member (body, "totalCount"), ==, 1);
  items = json_object_get_array_member (body, "items");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "runId"),
                   ==, RB_TEST_RUN_CLINIC);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&body, json_object_unref);

  g_assert_cmpint (run_cli (args_search, &out, NULL), ==, 0);
  body = parse_object (out);
  g_assert_cmpint (json_object_get_int_member (body, "totalCount"), ==, 1);
}

static void
test_list_human (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  const char *args[] = { "--data-dir", f->data_dir, "runs", "list", NULL };

  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  lines = g_strsplit (out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "RUN"));
  g_assert_nonnull (strstr (lines[0], "TEMPLATE"));
  g_assert_nonnull (strstr (lines[0], "TELEMETRY"));
  /* newest first, the unreadable run last */
  g_assert_true (g_str_has_prefix (lines[1], RB_TEST_RUN_PICKING));
  g_assert_nonnull (strstr (lines[1], "Warehouse picker waves"));
  g_assert_nonnull (strstr (lines[1], "telemetry"));
  g_assert_nonnull (strstr (lines[1], "2026-01-03 10:00"));
  g_assert_nonnull (strstr (lines[1], "missing"));
  g_assert_true (g_str_has_prefix (lines[2], RB_TEST_RUN_CLINIC));
  g_assert_nonnull (strstr (lines[2], "Clinic intake"));
  g_assert_nonnull (strstr (lines[2], "  2  "));
  g_assert_true (g_str_has_prefix (lines[3], RB_TEST_RUN_WAREHOUSE));
  g_assert_true (g_str_has_prefix (lines[4], RB_TEST_RUN_BROKEN));
  g_assert_nonnull (strstr (lines[4], "(unreadable)"));
  /* the diagnostic below the table names the file, never a path */
  g_assert_nonnull (strstr (out, RB_TEST_RUN_BROKEN ": run.json"));
  g_assert_null (strstr (out, f->tmp));
}

static void
test_list_empty (void)
{
  g_autofree char *tmp = rb_test_make_temp_dir ();
  g_autofree char *missing = g_build_filename (tmp, "nothing-here", NULL);
  g_autofree char *out = NULL;
  g_autofree char *human = NULL;
  const char *args[] = { "--data-dir", missing, "runs", "list", "--json", NULL };
  const char *args_human[] = { "--data-dir", missing, "runs", "list", NULL };

  g_assert_cmpint (run_cli (args, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==,
                   "{\n"
                   "  \"items\": [],\n"
                   "  \"totalCount\": 0,\n"
                   "  \"page\": 1,\n"
                   "  \"pageSize\": 50\n"
                   "}\n");
  g_assert_cmpint (run_cli (args_human, &human, NULL), ==, 0);
  g_assert_cmpstr (human, ==, "No runs.\n");
  rb_test_remove_tree (tmp);
}

static void
test_list_bad_page_size (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out_human = NULL;
  g_autofree char *err_human = NULL;
  g_autoptr(JsonObject) body = NULL;
  const char *args[] = { "--data-dir", f->data_dir, "runs", "list", "--page-size", "0", "--json", NULL };
  const char *args_human[] = { "--data-dir", f->data_dir, "runs", "list", "--page-size", "0", NULL };
  const char *args_sort[] = { "--data-dir", f->data_dir, "runs", "list", "--sort", "size", "--json", NULL };

  /* --json: the server's 400 body on stdout, exit 2 */
  g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
  g_assert_cmpstr (err, ==, "");
  body = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (body, "code"), ==, "invalid_request");
  g_assert_cmpstr (json_object_get_string_member (body, "field"), ==, "pageSize");
  g_assert_cmpstr (json_object_get_string_member (body, "error"), !=, "");
  g_assert_true (g_str_has_suffix (out, "}\n"));

  /* without --json: the same sentence on stderr */
  g_assert_cmpint (run_cli (args_human, &out_human, &err_human), ==, 2);
  g_assert_cmpstr (out_human, ==, "");
  g_assert_nonnull (strstr (err_human, json_object_get_string_member (body, "error")));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&body, json_object_unref);

  g_assert_cmpint (run_cli (args_sort, &out, NULL), ==, 2);
  body = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (body, "field"), ==, "sort");
}

static void
test_show_json (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--data-dir", f->data_dir, "runs", "show", RB_TEST_RUN_CLINIC, "--json", NULL };

  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  assert_golden (out, "runs-show.json");
}

static void
test_show_human (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  const char *args[] = { "--data-dir", f->data_dir, "runs", "show", RB_TEST_RUN_CLINIC, NULL };

  g_assert_cmpint (run_cli (args, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Run:        " RB_TEST_RUN_CLINIC "\n"));
  g_assert_nonnull (strstr (out, "Template:   Clinic intake (clinic-intake 1.0.0)\n"));
  g_assert_nonnull (strstr (out, "Mode:       simulation\n"));
  g_assert_nonnull (strstr (out, "Grid:       4 bins of 1 hours\n"));
  g_assert_nonnull (strstr (out, "RNG:        pcg32, seed 7\n"));
  g_assert_nonnull (strstr (out, "Telemetry:  missing\n"));
  g_assert_nonnull (strstr (out, "Warnings:   2\n"));
  g_assert_nonnull (strstr (out, "  - nan_detected: Series served has NaN values. (node served) [bins 1]\n"));
  g_assert_nonnull (strstr (out, "  waveCapacity = 100\n"));
}

static void
assert_error_exit (Fixture    *f,
                   const char *run_id,
                   int         expected_status,
                   const char *expected_code)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out_human = NULL;
  g_autofree char *err_human = NULL;
  g_autoptr(JsonObject) body = NULL;
  const char *args[] = { "--data-dir", f->data_dir, "runs", "show", run_id, "--json", NULL };
  const char *args_human[] = { "--data-dir", f->data_dir, "runs", "show", run_id, NULL };

  g_test_message ("runs show %s", run_id);
  g_assert_cmpint (run_cli (args, &out, &err), ==, expected_status);
  g_assert_cmpstr (err, ==, "");
  body = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (body, "code"), ==, expected_code);
  g_assert_null (strstr (out, f->tmp));

  g_assert_cmpint (run_cli (args_human, &out_human, &err_human), ==, expected_status);
  g_assert_cmpstr (out_human, ==, "");
  g_assert_true (g_str_has_prefix (err_human, "runboard-cli: "));
  g_assert_null (strstr (err_human, f->tmp));
}

static void
test_show_errors (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *decoy_outside = g_build_filename (f->tmp, "x", NULL);
  g_autofree char *decoy_inside = g_build_filename (f->data_dir, "x", NULL);
  const char *args[] = { "--data-dir", f->data_dir, "runs", "show", RB_TEST_RUN_BROKEN, "--json", NULL };
  const char *args_invalid[] = { "--data-dir", f->data_dir, "runs", "show", "../x", "--json", NULL };
  RbTestRunSpec decoy = { "x", "decoy", "Decoy", "simulation", "2026-02-01T00:00:00Z", 0, 1 };

  /* a readable run outside runs/ that a traversal would reach */
  rb_test_runs_write_at (decoy_outside, &decoy);
  rb_test_runs_write_at (decoy_inside, &decoy);

  assert_error_exit (f, "run_20990101T000000Z_nope", 4, "not_found");
  assert_error_exit (f, RB_TEST_RUN_BROKEN, 5, "run_unreadable");
  assert_error_exit (f, "../x", 2, "invalid_request");
  assert_error_exit (f, "../../x", 2, "invalid_request");
  assert_error_exit (f, ".hidden", 2, "invalid_request");
  assert_error_exit (f, "..", 2, "invalid_request");

  /* 422 names the file in the run */
  g_assert_cmpint (run_cli (args, &out, NULL), ==, 5);
  body = parse_object (out);
  g_assert_nonnull (strstr (json_object_get_string_member (body, "error"), "run.json"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&body, json_object_unref);

  g_assert_cmpint (run_cli (args_invalid, &out, NULL), ==, 2);
  body = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (body, "field"), ==, "runId");
}

static void
test_data_dir_from_env (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *env_data_dir = g_strconcat ("RUNBOARD_DATA_DIR=", f->data_dir, NULL);
  g_autofree char *out_env = NULL;
  g_autofree char *out_option = NULL;
  g_autofree char *err = NULL;
  const char *env[] = { env_data_dir, "GSETTINGS_SCHEMA_DIR", "GSETTINGS_BACKEND", NULL };
  const char *args_env[] = { "runs", "list", "--json", NULL };
  const char *args_option[] = { "--data-dir", f->data_dir, "runs", "list", "--json", NULL };

  /* without the GSettings schema installed, RUNBOARD_DATA_DIR still works */
  g_assert_cmpint (run_cli_env (env, args_env, &out_env, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (run_cli_env (env, args_option, &out_option, NULL), ==, 0);
  g_assert_cmpstr (out_env, ==, out_option);
  g_assert_nonnull (strstr (out_env, RB_TEST_RUN_CLINIC));
}

static void
assert_usage_error (const char * const *args,
                    const char         *expected_message)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, expected_message));
  g_assert_nonnull (strstr (err, "Try 'runboard-cli --help'"));
}

static void
test_usage (void)
{
  const char *none[] = { NULL };
  const char *unknown_cmd[] = { "frobnicate", NULL };
  const char *unknown_sub[] = { "runs", "delete", NULL };
  const char *unknown_opt[] = { "runs", "list", "--colour", NULL };
  const char *missing_value[] = { "runs", "list", "--page-size", NULL };
  const char *missing_id[] = { "runs", "show", NULL };
  const char *extra_arg[] = { "runs", "list", "extra", NULL };
  const char *remote[] = { "--server", "http://127.0.0.1:1/", "runs", "list", "--json", NULL };
  const char *empty_token[] = { "--server", "http://127.0.0.1:1/", "--token-file", "/dev/null", "runs", "list", NULL };
  g_autofree char *remote_out = NULL;
  const char *both[] = { "--server", "http://127.0.0.1:1/", "--data-dir", "/tmp", "runs", "list", NULL };
  const char *help[] = { "--help", NULL };
  const char *sub_help[] = { "runs", "list", "--help", NULL };
  g_autofree char *out = NULL;
  g_autofree char *sub_out = NULL;

  assert_usage_error (none, "no command given");
  assert_usage_error (unknown_cmd, "unknown command 'frobnicate'");
  assert_usage_error (unknown_sub, "unknown command 'runs delete'");
  assert_usage_error (unknown_opt, "unknown option '--colour' for 'runs list'");
  assert_usage_error (missing_value, "option '--page-size' needs a value");
  assert_usage_error (missing_id, "'runs show' needs a run id");
  assert_usage_error (extra_arg, "unexpected argument 'extra'");
  assert_usage_error (empty_token, "the token file '/dev/null' is empty");
  /* nothing listens on port 1: the error body, exit 6 */
  g_assert_cmpint (run_cli (remote, &remote_out, NULL), ==, 6);
  g_assert_true (g_str_has_prefix (remote_out, "{\n  \"error\": \"Can't reach the server at 127.0.0.1:1: "));
  g_assert_true (g_str_has_suffix (remote_out, "\"code\": \"unreachable\"\n}\n"));
  assert_usage_error (both, "use either '--data-dir' or '--server'");

  g_assert_cmpint (run_cli (help, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "runs list [--mode M]"));
  g_assert_nonnull (strstr (out, "runs show RUN [--json]"));
  g_assert_cmpint (run_cli (sub_help, &sub_out, NULL), ==, 0);
  g_assert_nonnull (strstr (sub_out, "--page-size N"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/runs/list/json", Fixture, NULL, fixture_setup, test_list_json, fixture_teardown);
  g_test_add ("/cli/runs/list/json-filters", Fixture, NULL, fixture_setup, test_list_json_filters, fixture_teardown);
  g_test_add ("/cli/runs/list/human", Fixture, NULL, fixture_setup, test_list_human, fixture_teardown);
  g_test_add_func ("/cli/runs/list/empty", test_list_empty);
  g_test_add ("/cli/runs/list/bad-page-size", Fixture, NULL, fixture_setup, test_list_bad_page_size, fixture_teardown);
  g_test_add ("/cli/runs/show/json", Fixture, NULL, fixture_setup, test_show_json, fixture_teardown);
  g_test_add ("/cli/runs/show/human", Fixture, NULL, fixture_setup, test_show_human, fixture_teardown);
  g_test_add ("/cli/runs/show/errors", Fixture, NULL, fixture_setup, test_show_errors, fixture_teardown);
  g_test_add ("/cli/data-dir/env-without-schema", Fixture, NULL, fixture_setup, test_data_dir_from_env, fixture_teardown);
  g_test_add_func ("/cli/usage", test_usage);

  return g_test_run ();
}
