/* test-cli-runs.c — runboard-cli templates, run, replay and telemetry
 *
 * Spawns the built runboard-cli (RUNBOARD_CLI) against temp data folders
 * holding the small runs of rb-test-runs.c and a tiny template of its own
 * (tiny-flow: one service node, captureKey tiny-key), and checks what a
 * user or a script sees: short lines, exit statuses, --json bodies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "rb-test-runs.h"
#include "rb-test-util.h"

static const char tiny_flow_yaml[] =
  "schemaVersion: 1\n"
  "generator: runboard\n"
  "mode: simulation\n"
  "metadata:\n"
  "  id: tiny-flow\n"
  "  title: Tiny flow\n"
  "  version: 1.0.0\n"
  "  description: One service node for the CLI tests.\n"
  "  captureKey: tiny-key\n"
  "window:\n"
  "  start: 2026-01-01T00:00:00Z\n"
  "parameters:\n"
  "  - name: rate\n"
  "    type: integer\n"
  "    title: Arrivals per bin\n"
  "    default: 10\n"
  "    minimum: 1\n"
  "    maximum: 100\n"
  "  - name: label\n"
  "    type: string\n"
  "    default: desk\n"
  "grid:\n"
  "  bins: 6\n"
  "  binSize: 1\n"
  "  binUnit: hours\n"
  "topology:\n"
  "  nodes:\n"
  "    - id: Desk\n"
  "      kind: service\n"
  "      semantics:\n"
  "        arrivals: arrivals\n"
  "        served: served\n"
  "        capacity: capacity\n"
  "  edges: []\n"
  "nodes:\n"
  "  - id: arrivals\n"
  "    kind: expr\n"
  "    expr: \"${rate} + 0 * capacity\"\n"
  "  - id: capacity\n"
  "    kind: const\n"
  "    values: [8, 8, 8, 8, 8, 8]\n"
  "  - id: served\n"
  "    kind: expr\n"
  "    expr: \"MIN(arrivals, capacity)\"\n";

typedef struct
{
  char *tmp;
  char *data_dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *flow = NULL;

  f->tmp = rb_test_runs_make_data_dir (&f->data_dir);
  flow = g_build_filename (f->data_dir, "templates", "tiny-flow.yaml", NULL);
  rb_test_write_file (flow, tiny_flow_yaml, -1);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  rb_test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->data_dir);
}

/* runboard-cli --data-dir DATA ARGS… with @env ("NAME=VALUE"); returns the
 * exit status, stdout and stderr. */
static int
cli_env (Fixture            *f,
         const char * const *env,
         const char * const *args,
         char              **out,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) rb_test_cli_path ());
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, f->data_dir);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return rb_test_spawn ((const char * const *) argv->pdata, env, out, err);
}

static int
cli (Fixture            *f,
     const char * const *args,
     char              **out,
     char              **err)
{
  return cli_env (f, NULL, args, out, err);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static guint
count_runs (Fixture *f)
{
  g_autofree char *runs = g_build_filename (f->data_dir, "runs", NULL);

  return rb_test_count_entries (runs, NULL);
}

/* `run tiny-flow --deterministic --json`: the new run's id. */
static char *
make_run (Fixture    *f,
          const char *rate_param)
{
  const char *args[] = { "run", "tiny-flow", "--param", rate_param, "--deterministic", "--json", NULL };
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) run = NULL;

  g_assert_cmpint (cli (f, args, &out, NULL), ==, 0);
  run = parse_object (out);
  return g_strdup (json_object_get_string_member (run, "runId"));
}

/*
 * templates
 */

static void
test_templates_human (Fixture       *f,
                      gconstpointer  data)
{
  const char *list[] = { "templates", "list", NULL };
  const char *show[] = { "templates", "show", "tiny-flow", NULL };
  const char *unknown[] = { "templates", "show", "no-such-template", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *show_out = NULL;
  g_autofree char *unknown_err = NULL;

  g_assert_cmpint (cli (f, list, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_nonnull (strstr (out, "tiny-flow  Tiny flow (1.0.0)\n"));

  g_assert_cmpint (cli (f, show, &show_out, NULL), ==, 0);
  g_assert_nonnull (strstr (show_out, "Template:    tiny-flow\n"));
  g_assert_nonnull (strstr (show_out, "Capture key: tiny-key\n"));
  g_assert_nonnull (strstr (show_out, "Parameters:\n"));
  g_assert_nonnull (strstr (show_out, "  rate (integer) default 10, min 1, max 100 — Arrivals per bin\n"));

  g_assert_cmpint (cli (f, unknown, NULL, &unknown_err), ==, 4);
  g_assert_nonnull (strstr (unknown_err, "no-such-template"));
  g_assert_null (strstr (unknown_err, f->tmp));
}

/*
 * run
 */

static void
test_run_human (Fixture       *f,
                gconstpointer  data)
{
  const char *args[] = { "run", "tiny-flow", "--param", "rate=4", "--deterministic", NULL };
  const char *dry[] = { "run", "tiny-flow", "--param", "rate=5", "--dry-run", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *again = NULL;
  g_autofree char *dry_out = NULL;
  g_autofree char *created = NULL;
  g_autofree char *reused = NULL;
  guint before = count_runs (f);

  g_assert_cmpint (cli (f, args, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_str_has_prefix (out, "Created run run_"));
  g_assert_true (g_str_has_suffix (out, " (tiny-flow, simulation).\n"));
  g_assert_cmpuint (count_runs (f), ==, before + 1);
  created = g_strndup (out + strlen ("Created run "), strcspn (out + strlen ("Created run "), " "));

  g_assert_cmpint (cli (f, args, &again, NULL), ==, 0);
  reused = g_strdup_printf ("Reused run %s: a run with the same inputs exists.\n", created);
  g_assert_cmpstr (again, ==, reused);
  g_assert_cmpuint (count_runs (f), ==, before + 1);

  g_assert_cmpint (cli (f, dry, &dry_out, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (dry_out, "Dry run: would create run "));
  g_assert_nonnull (strstr (dry_out, "nothing was written.\n"));
  g_assert_cmpuint (count_runs (f), ==, before + 1);
}

static void
test_run_params (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *params_file = g_build_filename (f->tmp, "params.json", NULL);
  g_autofree char *broken_file = g_build_filename (f->tmp, "broken.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *text_out = NULL;
  g_autofree char *broken_out = NULL;
  g_autofree char *quoted_out = NULL;
  g_autofree char *usage_err = NULL;
  g_autoptr(JsonObject) run = NULL;
  g_autoptr(JsonObject) text_run = NULL;
  g_autoptr(JsonObject) broken = NULL;
  g_autoptr(JsonObject) quoted = NULL;
  JsonObject *parameters;
  const char *with_file[] = { "run", "tiny-flow", "--params-file", params_file,
                              "--param", "rate=7", "--seed", "99", "--json", NULL };
  const char *as_text[] = { "run", "tiny-flow", "--param", "label=front desk", "--json", NULL };
  const char *with_broken[] = { "run", "tiny-flow", "--params-file", broken_file, "--json", NULL };
  const char *quoted_number[] = { "run", "tiny-flow", "--param", "rate=\"7\"", "--json", NULL };
  const char *no_equals[] = { "run", "tiny-flow", "--param", "rate", NULL };

  rb_test_write_file (params_file, "{\"rate\": 3, \"label\": \"side desk\"}\n", -1);
  rb_test_write_file (broken_file, "{\n  \"rate\": 3,\n", -1);

  /* the file first, then --param over it; --seed goes to rng */
  g_assert_cmpint (cli (f, with_file, &out, NULL), ==, 0);
  run = parse_object (out);
  parameters = json_object_get_object_member (run, "parameters");
  g_assert_cmpint (json_object_get_int_member (parameters, "rate"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (parameters, "label"), ==, "side desk");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (run, "rng"), "seed"), ==, 99);

  /* not JSON: taken as text */
  g_assert_cmpint (cli (f, as_text, &text_out, NULL), ==, 0);
  text_run = parse_object (text_out);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (text_run, "parameters"), "label"),
                   ==, "front desk");

  /* JSON "7" is a string: not an integer */
  g_assert_cmpint (cli (f, quoted_number, &quoted_out, NULL), ==, 2);
  quoted = parse_object (quoted_out);
  g_assert_cmpstr (json_object_get_string_member (quoted, "code"), ==, "invalid_parameter");
  g_assert_cmpstr (json_object_get_string_member (quoted, "field"), ==, "parameters.rate");

  /* a broken file: named by its name and line, never its path */
  g_assert_cmpint (cli (f, with_broken, &broken_out, NULL), ==, 2);
  broken = parse_object (broken_out);
  g_assert_cmpstr (json_object_get_string_member (broken, "code"), ==, "invalid_request");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (broken, "error"),
                                   "broken.json is not valid JSON at line"));
  g_assert_null (strstr (broken_out, f->tmp));

  g_assert_cmpint (cli (f, no_equals, NULL, &usage_err), ==, 2);
  g_assert_nonnull (strstr (usage_err, "option '--param' needs NAME=VALUE, not 'rate'"));
}

/*
 * replay
 */

static void
test_replay (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *source = make_run (f, "rate=6");
  const char *model[] = { "replay", source, "--from", "model", "--json", NULL };
  const char *telemetry[] = { "replay", source, "--from", "telemetry", "--json", NULL };
  const char *no_from[] = { "replay", source, NULL };
  const char *bad_from[] = { "replay", source, "--from", "moon", NULL };
  const char *unknown[] = { "replay", "run_20990101T000000Z_nope", "--from", "model", "--json", NULL };
  g_autofree char *out = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *unknown_out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(JsonObject) run = NULL;
  g_autoptr(JsonObject) missing_error = NULL;
  g_autoptr(JsonObject) unknown_error = NULL;
  JsonObject *lineage;

  g_assert_cmpint (cli (f, model, &out, NULL), ==, 0);
  run = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (run, "mode"), ==, "simulation");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (run, "parameters"), "rate"), ==, 6);
  lineage = json_object_get_object_member (run, "source");
  g_assert_cmpstr (json_object_get_string_member (lineage, "runId"), ==, source);
  g_assert_cmpstr (json_object_get_string_member (lineage, "kind"), ==, "model");

  /* no bundle yet: 422 with the api.md sentence */
  g_assert_cmpint (cli (f, telemetry, &missing, NULL), ==, 5);
  missing_error = parse_object (missing);
  g_assert_cmpstr (json_object_get_string_member (missing_error, "code"), ==, "telemetry_bundle_missing");
  expected = g_strdup_printf ("Run %s has no telemetry bundle. Generate telemetry for it first.", source);
  g_assert_cmpstr (json_object_get_string_member (missing_error, "error"), ==, expected);

  g_assert_cmpint (cli (f, unknown, &unknown_out, NULL), ==, 4);
  unknown_error = parse_object (unknown_out);
  g_assert_cmpstr (json_object_get_string_member (unknown_error, "code"), ==, "not_found");

  g_assert_cmpint (cli (f, no_from, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "'replay' needs '--from model' or '--from telemetry'"));
  g_assert_cmpint (cli (f, bad_from, NULL, &err2), ==, 2);
  g_assert_nonnull (strstr (err2, "'--from' takes 'model' or 'telemetry', not 'moon'"));
}

/*
 * telemetry
 */

static void
test_telemetry_generate (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *run_id = make_run (f, "rate=9");
  const char *generate[] = { "telemetry", "generate", run_id, NULL };
  const char *generate_json[] = { "telemetry", "generate", run_id, "--json", NULL };
  const char *overwrite[] = { "telemetry", "generate", run_id, "--overwrite", NULL };
  const char *replay[] = { "replay", run_id, "--from", "telemetry", NULL };
  const char *list[] = { "telemetry", "list", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *exists_out = NULL;
  g_autofree char *exists_err = NULL;
  g_autofree char *conflict = NULL;
  g_autofree char *overwrite_out = NULL;
  g_autofree char *replay_out = NULL;
  g_autofree char *list_out = NULL;
  g_autoptr(JsonObject) conflict_body = NULL;
  JsonObject *capture;

  /* stderr is not a TTY here: no progress, nothing on stderr */
  g_assert_cmpint (cli (f, generate, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  expected = g_strdup_printf ("Generated telemetry in telemetry/tiny-key from run %s: ", run_id);
  g_assert_true (g_str_has_prefix (out, expected));

  g_assert_cmpint (cli (f, generate, &exists_out, &exists_err), ==, 3);
  g_assert_cmpstr (exists_out, ==, "");
  g_assert_nonnull (strstr (exists_err, "telemetry already exists in telemetry/tiny-key"));
  g_assert_nonnull (strstr (exists_err, "use --overwrite to replace it"));

  g_assert_cmpint (cli (f, generate_json, &conflict, NULL), ==, 3);
  conflict_body = parse_object (conflict);
  capture = json_object_get_object_member (conflict_body, "capture");
  g_assert_true (json_object_get_boolean_member (capture, "alreadyExists"));
  g_assert_cmpstr (json_object_get_string_member (capture, "sourceRunId"), ==, run_id);
  g_assert_cmpstr (json_object_get_string_member (conflict_body, "code"), ==, "already_exists");

  g_assert_cmpint (cli (f, overwrite, &overwrite_out, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (overwrite_out, "Generated telemetry in telemetry/tiny-key"));

  g_assert_cmpint (cli (f, replay, &replay_out, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (replay_out, "Created run "));
  g_assert_nonnull (strstr (replay_out, "(tiny-flow, telemetry)"));

  g_assert_cmpint (cli (f, list, &list_out, NULL), ==, 0);
  expected = (g_free (expected), g_strdup_printf ("tiny-key  from run %s (tiny-flow), generated ", run_id));
  g_assert_true (g_str_has_prefix (list_out, expected));
}

static void
test_telemetry_targets (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *run_id = make_run (f, "rate=3");
  g_autofree char *export_dir = g_build_filename (f->tmp, "exports", "bundle", NULL);
  g_autofree char *export_manifest = g_build_filename (export_dir, "manifest.json", NULL);
  g_autofree char *scoped_manifest = g_build_filename (f->data_dir, "runs", run_id, "model",
                                                       "telemetry", "manifest.json", NULL);
  g_autofree char *parent = g_build_filename (f->tmp, "exports", NULL);
  const char *scoped[] = { "telemetry", "generate", run_id, "--run-scoped", "--json", NULL };
  const char *directory[] = { "telemetry", "generate", run_id, "--directory", export_dir, "--json", NULL };
  const char *dry[] = { "telemetry", "generate", run_id, "--capture-key", "dry-key", "--dry-run", NULL };
  const char *gap[] = { "telemetry", "generate", run_id, "--gap-fill", "maybe", "--json", NULL };
  const char *bad_key[] = { "telemetry", "generate", run_id, "--capture-key", "a/b", "--json", NULL };
  g_autofree char *scoped_out = NULL;
  g_autofree char *dir_out = NULL;
  g_autofree char *dry_out = NULL;
  g_autofree char *gap_out = NULL;
  g_autofree char *key_out = NULL;
  g_autofree char *dry_dir = g_build_filename (f->data_dir, "telemetry", "dry-key", NULL);
  g_autoptr(JsonObject) scoped_body = NULL;
  g_autoptr(JsonObject) dir_body = NULL;
  g_autoptr(JsonObject) gap_body = NULL;
  g_autoptr(JsonObject) key_body = NULL;
  g_autofree char *scoped_dir = g_strdup_printf ("runs/%s/model/telemetry", run_id);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);

  g_assert_cmpint (cli (f, scoped, &scoped_out, NULL), ==, 0);
  scoped_body = parse_object (scoped_out);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (scoped_body, "capture"),
                                                  "captureDirectory"), ==, scoped_dir);
  g_assert_true (g_file_test (scoped_manifest, G_FILE_TEST_IS_REGULAR));

  /* an export to a folder of the user's choice: captureDirectory null */
  g_assert_cmpint (cli (f, directory, &dir_out, NULL), ==, 0);
  dir_body = parse_object (dir_out);
  g_assert_true (json_object_get_null_member (json_object_get_object_member (dir_body, "capture"),
                                              "captureDirectory"));
  g_assert_true (g_file_test (export_manifest, G_FILE_TEST_IS_REGULAR));
  g_assert_null (strstr (dir_out, f->tmp));

  g_assert_cmpint (cli (f, dry, &dry_out, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (dry_out, "Dry run: would write "));
  g_assert_false (g_file_test (dry_dir, G_FILE_TEST_EXISTS));

  g_assert_cmpint (cli (f, gap, &gap_out, NULL), ==, 2);
  gap_body = parse_object (gap_out);
  g_assert_cmpstr (json_object_get_string_member (gap_body, "field"), ==, "options.gapFill");

  g_assert_cmpint (cli (f, bad_key, &key_out, NULL), ==, 2);
  key_body = parse_object (key_out);
  g_assert_cmpstr (json_object_get_string_member (key_body, "field"), ==, "output.captureKey");
}

static void
test_telemetry_errors (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *run_id = make_run (f, "rate=2");
  const char *env[] = { "RUNBOARD_DISABLE_TELEMETRY_GENERATION=1", NULL };
  const char *generate[] = { "telemetry", "generate", run_id, NULL };
  const char *generate_json[] = { "telemetry", "generate", run_id, "--json", NULL };
  const char *unknown[] = { "telemetry", "generate", "run_20990101T000000Z_nope", "--json", NULL };
  const char *not_sim[] = { "telemetry", "generate", RB_TEST_RUN_PICKING, "--json", NULL };
  const char *no_run[] = { "telemetry", "generate", NULL };
  g_autofree char *disabled_out = NULL;
  g_autofree char *disabled_err = NULL;
  g_autofree char *disabled_json = NULL;
  g_autofree char *unknown_out = NULL;
  g_autofree char *not_sim_out = NULL;
  g_autofree char *usage_err = NULL;
  g_autofree char *telemetry_dir = g_build_filename (f->data_dir, "telemetry", NULL);
  g_autoptr(JsonObject) disabled = NULL;
  g_autoptr(JsonObject) unknown_body = NULL;
  g_autoptr(JsonObject) not_sim_body = NULL;

  /* the removal path */
  g_assert_cmpint (cli_env (f, env, generate, &disabled_out, &disabled_err), ==, 7);
  g_assert_cmpstr (disabled_out, ==, "");
  g_assert_nonnull (strstr (disabled_err, "Telemetry generation is disabled"));
  g_assert_cmpint (cli_env (f, env, generate_json, &disabled_json, NULL), ==, 7);
  disabled = parse_object (disabled_json);
  g_assert_cmpstr (json_object_get_string_member (disabled, "code"), ==, "disabled");
  g_assert_cmpuint (rb_test_count_entries (telemetry_dir, NULL), ==, 0);

  g_assert_cmpint (cli (f, unknown, &unknown_out, NULL), ==, 4);
  unknown_body = parse_object (unknown_out);
  g_assert_cmpstr (json_object_get_string_member (unknown_body, "code"), ==, "not_found");

  g_assert_cmpint (cli (f, not_sim, &not_sim_out, NULL), ==, 5);
  not_sim_body = parse_object (not_sim_out);
  g_assert_cmpstr (json_object_get_string_member (not_sim_body, "code"), ==, "source_not_simulation");

  g_assert_cmpint (cli (f, no_run, NULL, &usage_err), ==, 2);
  g_assert_nonnull (strstr (usage_err, "'telemetry generate' needs a run id"));
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  const char *help[] = { "--help", NULL };
  const char *run_help[] = { "run", "--help", NULL };
  const char *no_template[] = { "run", NULL };
  const char *list_empty[] = { "telemetry", "list", NULL };
  g_autofree char *out = NULL;
  g_autofree char *run_out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *empty = NULL;

  g_assert_cmpint (cli (f, help, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "  templates list [--json]\n"));
  g_assert_nonnull (strstr (out, "  run TEMPLATE [--param NAME=VALUE]..."));
  g_assert_nonnull (strstr (out, "  replay RUN --from model|telemetry [--dry-run] [--json]\n"));
  g_assert_nonnull (strstr (out, "  telemetry generate RUN [--capture-key KEY | --run-scoped | --directory DIR]\n"));
  g_assert_nonnull (strstr (out, "  telemetry list [--json]\n"));

  g_assert_cmpint (cli (f, run_help, &run_out, NULL), ==, 0);
  g_assert_nonnull (strstr (run_out, "--params-file F.json"));

  g_assert_cmpint (cli (f, no_template, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "'run' needs a template id"));

  g_assert_cmpint (cli (f, list_empty, &empty, NULL), ==, 0);
  g_assert_cmpstr (empty, ==, "No telemetry bundles.\n");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/cli/templates/human", test_templates_human);
  ADD ("/cli/run/human", test_run_human);
  ADD ("/cli/run/params", test_run_params);
  ADD ("/cli/replay", test_replay);
  ADD ("/cli/telemetry/generate", test_telemetry_generate);
  ADD ("/cli/telemetry/targets", test_telemetry_targets);
  ADD ("/cli/telemetry/errors", test_telemetry_errors);
  ADD ("/cli/usage/commands", test_usage);

#undef ADD

  return g_test_run ();
}
