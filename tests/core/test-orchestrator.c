/* test-orchestrator.c — creating runs: exact bytes of every file, hashes,
 * ids and reuse, 409/overwrite, dry runs, telemetry runs (missing,
 * incompatible, unbound, bit-for-bit parity), replays and lineage, request
 * validation, and a crash before the rename leaving nothing visible
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "rb-data-dir.h"
#include "rb-error.h"
#include "rb-hash.h"
#include "rb-json.h"
#include "rb-orchestrator.h"
#include "rb-run-store.h"
#include "rb-run-writer.h"
#include "rb-test-util.h"

/* A tiny template: a queue fed by a 4-bin demand; the synthesized
 * desk_queue is 0, 5, 7.5, 0 with capacity 10. */
static const char tiny_template[] =
  "schemaVersion: 1\n"
  "generator: runboard\n"
  "mode: simulation\n"
  "metadata:\n"
  "  id: Tiny.Flow\n"
  "  title: Tiny Flow\n"
  "  version: 1.2.0\n"
  "  description: A tiny queue.\n"
  "window:\n"
  "  start: 2026-01-01T00:00:00Z\n"
  "  timezone: UTC\n"
  "parameters:\n"
  "  - name: capacity\n"
  "    type: number\n"
  "    default: 10\n"
  "    minimum: 0\n"
  "  - name: demand\n"
  "    type: array\n"
  "    arrayOf: double\n"
  "    default: [5, 15, 12.5, 0]\n"
  "grid:\n"
  "  bins: 4\n"
  "  binSize: 60\n"
  "  binUnit: minutes\n"
  "rng:\n"
  "  kind: pcg32\n"
  "  seed: 42\n"
  "topology:\n"
  "  nodes:\n"
  "    - id: Desk\n"
  "      kind: queue\n"
  "      semantics:\n"
  "        arrivals: arrivals\n"
  "        served: capacity\n"
  "nodes:\n"
  "  - id: arrivals\n"
  "    kind: const\n"
  "    values: ${demand}\n"
  "  - id: capacity\n"
  "    kind: expr\n"
  "    expr: \"${capacity}\"\n"
  "  - id: doubled\n"
  "    kind: expr\n"
  "    expr: \"arrivals * 2\"\n"
  "outputs:\n"
  "  - series: doubled\n";

typedef struct
{
  char              *data_dir;
  RbTemplateCatalog *catalog;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *template_path = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 3, 4, 5, 6, 7.890123);

  (void) data;
  f->data_dir = rb_test_make_temp_dir ();
  g_assert_true (rb_data_dir_ensure (f->data_dir, NULL));
  template_path = g_build_filename (f->data_dir, "templates", "tiny.yaml", NULL);
  rb_test_write_file (template_path, tiny_template, -1);
  f->catalog = rb_template_catalog_new (f->data_dir);
  rb_orchestrator_set_clock_for_testing (now);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  (void) data;
  rb_orchestrator_set_clock_for_testing (NULL);
  rb_run_writer_set_fail_publish_for_testing (FALSE);
  g_clear_object (&f->catalog);
  rb_test_remove_tree (f->data_dir);
  g_free (f->data_dir);
}

static RbRunResult *
create (Fixture     *f,
        const char  *body,
        GError     **error)
{
  g_autoptr(JsonNode) node = rb_json_parse (body, -1, "request", NULL);
  g_autoptr(RbRunRequest) request = NULL;

  g_assert_nonnull (node);
  request = rb_run_request_from_json (node, error);
  if (request == NULL)
    return NULL;
  return rb_orchestrator_create_run (f->data_dir, f->catalog, request, NULL, error);
}

static RbRunResult *
create_ok (Fixture    *f,
           const char *body)
{
  g_autoptr(GError) error = NULL;
  RbRunResult *result = create (f, body, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static char *
read_run_file (Fixture    *f,
               const char *run_id,
               const char *rel)
{
  g_autofree char *path = g_build_filename (f->data_dir, "runs", run_id, rel, NULL);

  return rb_test_read_file (path, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
list_tree (GString    *out,
           const char *root,
           const char *rel)
{
  g_autofree char *dir_path = g_build_filename (root, rel, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (rel, g_ptr_array_index (names, i), NULL);
      g_autofree char *path = g_build_filename (root, child, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_string_append_printf (out, "%s/\n", child);
          list_tree (out, root, child);
        }
      else
        {
          g_autofree char *contents = rb_test_read_file (path, NULL);
          g_autofree char *hash = rb_hash_string (contents);

          g_string_append_printf (out, "%s %s\n", child, hash);
        }
    }
}

static char *
listing (Fixture *f)
{
  GString *out = g_string_new (NULL);

  list_tree (out, f->data_dir, "runs");
  list_tree (out, f->data_dir, "telemetry");
  return g_string_free (out, FALSE);
}

/* Golden bytes {{{ */

#define REQUEST_DETERMINISTIC \
  "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"parameters\": {\"capacity\": 10}," \
  " \"options\": {\"deterministicRunId\": true}}"

static void
test_golden (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(RbRunResult) result = create_ok (f, REQUEST_DETERMINISTIC);
  const char *input_compact =
    "{\"templateId\":\"Tiny.Flow\",\"templateVersion\":\"1.2.0\",\"mode\":\"simulation\","
    "\"parameters\":{\"capacity\":10},\"telemetry\":null,\"rng\":{\"kind\":\"pcg32\",\"seed\":42}}";
  g_autofree char *input_hash = rb_hash_string (input_compact);
  g_autofree char *run_id = g_strdup_printf ("run_tiny-flow_%.16s", input_hash + 7);
  g_autofree char *spec = NULL;
  g_autofree char *model = NULL;
  g_autofree char *model_hash = NULL;
  g_autofree char *scenario_text = NULL;
  g_autofree char *scenario_hash = NULL;
  g_autofree char *model_id = NULL;
  g_autofree char *tree = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  g_autofree char *h_arr = NULL, *h_cap = NULL, *h_dbl = NULL, *h_q = NULL;
  RbRun *run;

  (void) data;
  g_assert_false (rb_run_result_is_dry_run (result));
  g_assert_false (rb_run_result_was_reused (result));
  run = rb_run_result_get_run (result);
  g_assert_cmpstr (rb_run_get_run_id (run), ==, run_id);

  /* Every file, nothing else; no temp folder left behind. */
  {
    GString *out = g_string_new (NULL);
    g_autofree char *root = g_build_filename (f->data_dir, "runs", NULL);
    g_autofree char *dir = g_build_filename (root, run_id, NULL);

    list_tree (out, dir, ".");
    tree = g_string_free (out, FALSE);
  }
  g_assert_nonnull (strstr (tree, "./aggregates/\n./manifest.json "));
  g_assert_nonnull (strstr (tree, "\n./model/\n./model/metadata.json "));
  g_assert_nonnull (strstr (tree, "\n./model/model.yaml "));
  g_assert_nonnull (strstr (tree, "\n./model/provenance.json "));
  g_assert_nonnull (strstr (tree, "\n./run.json "));
  g_assert_nonnull (strstr (tree, "\n./series/\n./series/arrivals@ARRIVALS@DEFAULT.csv "));
  g_assert_nonnull (strstr (tree, "\n./series/capacity@CAPACITY@DEFAULT.csv "));
  g_assert_nonnull (strstr (tree, "\n./series/desk_queue@DESK_QUEUE@DEFAULT.csv "));
  g_assert_nonnull (strstr (tree, "\n./series/doubled@DOUBLED@DEFAULT.csv "));
  g_assert_nonnull (strstr (tree, "\n./series/index.json "));
  g_assert_nonnull (strstr (tree, "\n./spec.yaml "));
  {
    /* 14 entries: aggregates/, model/, series/ and 11 files. */
    guint lines = 0;

    for (const char *p = tree; *p; p++)
      lines += *p == '\n';
    g_assert_cmpuint (lines, ==, 14);
  }

  /* spec.yaml = model/model.yaml; the ${} placeholders are substituted. */
  spec = read_run_file (f, run_id, "spec.yaml");
  model = read_run_file (f, run_id, "model/model.yaml");
  g_assert_cmpstr (spec, ==, model);
  g_assert_null (strstr (spec, "${"));
  g_assert_nonnull (strstr (spec, "id: Tiny.Flow\n"));
  model_hash = rb_hash_string (model);
  {
    g_autofree char *trimmed = g_strstrip (g_strdup (spec));

    scenario_text = g_strdup_printf ("%s\n42\nnull", trimmed);
  }
  scenario_hash = rb_hash_string (scenario_text);
  model_id = g_strdup_printf ("model_20260304T050607Z_%.8s", model_hash + 7);

  /* Series: hand-computed values. */
  text = read_run_file (f, run_id, "series/arrivals@ARRIVALS@DEFAULT.csv");
  g_assert_cmpstr (text, ==, "bin_index,value\n0,5\n1,15\n2,12.5\n3,0\n");
  h_arr = rb_hash_string (text);
  g_free (text);
  text = read_run_file (f, run_id, "series/capacity@CAPACITY@DEFAULT.csv");
  g_assert_cmpstr (text, ==, "bin_index,value\n0,10\n1,10\n2,10\n3,10\n");
  h_cap = rb_hash_string (text);
  g_free (text);
  text = read_run_file (f, run_id, "series/doubled@DOUBLED@DEFAULT.csv");
  g_assert_cmpstr (text, ==, "bin_index,value\n0,10\n1,30\n2,25\n3,0\n");
  h_dbl = rb_hash_string (text);
  g_free (text);
  text = read_run_file (f, run_id, "series/desk_queue@DESK_QUEUE@DEFAULT.csv");
  g_assert_cmpstr (text, ==, "bin_index,value\n0,0\n1,5\n2,7.5\n3,0\n");
  h_q = rb_hash_string (text);
  g_free (text);

  /* run.json */
  text = read_run_file (f, run_id, "run.json");
  g_assert_true (g_str_has_prefix (text, "{\n  \"schemaVersion\": 1,\n"));
  expected = g_strdup_printf (
    "{\n"
    "  \"schemaVersion\": 1,\n"
    "  \"runId\": \"%s\",\n"
    "  \"engineVersion\": \"runboard-" PACKAGE_VERSION "\",\n"
    "  \"source\": \"engine\",\n"
    "  \"inputHash\": \"%s\",\n"
    "  \"grid\": {\n"
    "    \"bins\": 4,\n"
    "    \"binSize\": 60,\n"
    "    \"binUnit\": \"minutes\",\n"
    "    \"timezone\": \"UTC\",\n"
    "    \"align\": \"left\"\n"
    "  },\n"
    "  \"modelHash\": \"%s\",\n"
    "  \"scenarioHash\": \"%s\",\n"
    "  \"createdUtc\": \"2026-03-04T05:06:07.890123Z\",\n"
    "  \"warnings\": [],\n"
    "  \"series\": [\n",
    run_id, input_hash, model_hash, scenario_hash);
  g_assert_true (g_str_has_prefix (text, expected));
  g_assert_true (g_str_has_suffix (text, "  ]\n}\n"));
  g_assert_nonnull (strstr (text,
    "    {\n"
    "      \"id\": \"desk_queue@DESK_QUEUE@DEFAULT\",\n"
    "      \"path\": \"series/desk_queue@DESK_QUEUE@DEFAULT.csv\",\n"
    "      \"unit\": \"entities/bin\"\n"
    "    }"));
  g_free (text);
  g_free (expected);

  /* manifest.json */
  text = read_run_file (f, run_id, "manifest.json");
  expected = g_strdup_printf (
    "{\n"
    "  \"schemaVersion\": 1,\n"
    "  \"scenarioHash\": \"%s\",\n"
    "  \"modelHash\": \"%s\",\n"
    "  \"rng\": {\n"
    "    \"kind\": \"pcg32\",\n"
    "    \"seed\": 42\n"
    "  },\n"
    "  \"seriesHashes\": {\n",
    scenario_hash, model_hash);
  g_assert_true (g_str_has_prefix (text, expected));
  g_free (expected);
  expected = g_strdup_printf ("    \"arrivals@ARRIVALS@DEFAULT\": \"%s\"", h_arr);
  g_assert_nonnull (strstr (text, expected));
  g_free (expected);
  expected = g_strdup_printf ("    \"capacity@CAPACITY@DEFAULT\": \"%s\"", h_cap);
  g_assert_nonnull (strstr (text, expected));
  g_free (expected);
  expected = g_strdup_printf ("    \"doubled@DOUBLED@DEFAULT\": \"%s\"", h_dbl);
  g_assert_nonnull (strstr (text, expected));
  g_free (expected);
  expected = g_strdup_printf ("    \"desk_queue@DESK_QUEUE@DEFAULT\": \"%s\"", h_q);
  g_assert_nonnull (strstr (text, expected));
  g_free (expected);
  expected = g_strdup_printf (
    "  },\n"
    "  \"eventCount\": 0,\n"
    "  \"createdUtc\": \"2026-03-04T05:06:07.890123Z\",\n"
    "  \"provenance\": {\n"
    "    \"hasProvenance\": true,\n"
    "    \"modelId\": \"%s\",\n"
    "    \"templateId\": \"Tiny.Flow\",\n"
    "    \"inputHash\": \"%s\"\n"
    "  }\n"
    "}\n",
    model_id, input_hash);
  g_assert_true (g_str_has_suffix (text, expected));
  g_free (text);
  g_free (expected);

  /* model/metadata.json: merged values, in the template's order. */
  text = read_run_file (f, run_id, "model/metadata.json");
  expected = g_strdup_printf (
    "{\n"
    "  \"schemaVersion\": 1,\n"
    "  \"templateId\": \"Tiny.Flow\",\n"
    "  \"templateTitle\": \"Tiny Flow\",\n"
    "  \"templateVersion\": \"1.2.0\",\n"
    "  \"mode\": \"simulation\",\n"
    "  \"modelHash\": \"%s\",\n"
    "  \"source\": \"runboard\",\n"
    "  \"generator\": \"runboard/" PACKAGE_VERSION "\",\n"
    "  \"modelId\": \"%s\",\n"
    "  \"generatedAtUtc\": \"2026-03-04T05:06:07.890123Z\",\n"
    "  \"receivedAtUtc\": \"2026-03-04T05:06:07.890123Z\",\n"
    "  \"parameters\": {\n"
    "    \"capacity\": 10,\n"
    "    \"demand\": [\n"
    "      5,\n"
    "      15,\n"
    "      12.5,\n"
    "      0\n"
    "    ]\n"
    "  }\n"
    "}\n",
    model_hash, model_id);
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
  g_free (expected);

  /* model/provenance.json: request values only. */
  text = read_run_file (f, run_id, "model/provenance.json");
  expected = g_strdup_printf (
    "{\n"
    "  \"source\": \"runboard\",\n"
    "  \"modelId\": \"%s\",\n"
    "  \"templateId\": \"Tiny.Flow\",\n"
    "  \"templateVersion\": \"1.2.0\",\n"
    "  \"templateTitle\": \"Tiny Flow\",\n"
    "  \"mode\": \"simulation\",\n"
    "  \"parameters\": {\n"
    "    \"capacity\": 10\n"
    "  },\n"
    "  \"inputHash\": \"%s\",\n"
    "  \"rng\": {\n"
    "    \"kind\": \"pcg32\",\n"
    "    \"seed\": 42\n"
    "  },\n"
    "  \"generatedAt\": \"2026-03-04T05:06:07.890123Z\",\n"
    "  \"generator\": \"runboard/" PACKAGE_VERSION "\"\n"
    "}\n",
    model_id, input_hash);
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
  g_free (expected);

  /* series/index.json */
  text = read_run_file (f, run_id, "series/index.json");
  g_assert_true (g_str_has_prefix (text,
    "{\n"
    "  \"schemaVersion\": 1,\n"
    "  \"grid\": {\n"
    "    \"bins\": 4,\n"
    "    \"binSize\": 60,\n"
    "    \"binUnit\": \"minutes\",\n"
    "    \"timezone\": \"UTC\"\n"
    "  },\n"
    "  \"series\": [\n"));
  expected = g_strdup_printf (
    "    {\n"
    "      \"id\": \"desk_queue@DESK_QUEUE@DEFAULT\",\n"
    "      \"kind\": \"flow\",\n"
    "      \"path\": \"series/desk_queue@DESK_QUEUE@DEFAULT.csv\",\n"
    "      \"unit\": \"entities/bin\",\n"
    "      \"componentId\": \"DESK_QUEUE\",\n"
    "      \"class\": \"DEFAULT\",\n"
    "      \"points\": 4,\n"
    "      \"hash\": \"%s\"\n"
    "    }",
    h_q);
  g_assert_nonnull (strstr (text, expected));
  g_assert_true (g_str_has_suffix (text, "  ]\n}\n"));
}

/* Reading the new run back through the store. */
static void
test_read_back (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(RbRunResult) result = create_ok (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"rng\": {\"seed\": 7},"
    " \"parameters\": {\"capacity\": 12}}");
  g_autoptr(RbRunStore) store = rb_run_store_new (f->data_dir);
  g_autoptr(RbRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  const char *run_id = rb_run_get_run_id (rb_run_result_get_run (result));
  JsonObject *parameters;

  (void) data;
  g_assert_true (g_str_has_prefix (run_id, "run_20260304T050607Z_"));
  g_assert_cmpuint (strlen (run_id), ==, strlen ("run_20260304T050607Z_") + 8);
  run = rb_run_store_get (store, run_id, &error);
  g_assert_no_error (error);
  g_assert_null (rb_run_get_diagnostic (run));
  g_assert_cmpstr (rb_run_get_template_id (run), ==, "Tiny.Flow");
  g_assert_cmpstr (rb_run_get_template_title (run), ==, "Tiny Flow");
  g_assert_cmpstr (rb_run_get_template_version (run), ==, "1.2.0");
  g_assert_cmpstr (rb_run_get_mode (run), ==, "simulation");
  g_assert_cmpstr (rb_run_get_created_utc (run), ==, "2026-03-04T05:06:07.890123Z");
  g_assert_cmpuint (rb_run_get_bins (run), ==, 4);
  g_assert_cmpuint (rb_run_get_bin_size (run), ==, 60);
  g_assert_cmpstr (rb_run_get_bin_unit (run), ==, "minutes");
  g_assert_true (rb_run_get_has_rng (run));
  g_assert_cmpint (rb_run_get_rng_seed (run), ==, 7);
  g_assert_null (rb_run_get_source_run_id (run));
  g_assert_false (rb_run_get_telemetry (run)->available);
  parameters = rb_run_get_parameters (run);
  g_assert_cmpint (json_object_get_int_member (parameters, "capacity"), ==, 12);
  g_assert_true (json_object_has_member (parameters, "demand"));
  g_assert_true (rb_run_ensure_detail (run));
  g_assert_true (rb_run_get_can_replay (run));
  g_assert_cmpuint (rb_run_get_series (run)->len, ==, 4);
  g_assert_cmpuint (rb_run_get_topology (run)->len, ==, 1);

  /* The 201 body: RunDetail + wasReused, never a capture member. */
  json = rb_run_result_to_json (result);
  text = rb_json_to_data (json, NULL);
  g_assert_true (g_str_has_suffix (text, "  \"wasReused\": false\n}\n"));
  g_assert_null (strstr (text, "\"capture\""));
  g_assert_null (strstr (text, f->data_dir));
}

/* }}} */

/* Ids, reuse, 409, overwrite {{{ */

static void
test_deterministic_reuse (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(RbRunResult) first = create_ok (f, REQUEST_DETERMINISTIC);
  g_autoptr(RbRunResult) second = NULL;
  g_autoptr(RbRunResult) other = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *stamp_before = NULL;
  g_autofree char *stamp_after = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;

  (void) data;
  before = listing (f);
  stamp_before = rb_data_dir_read_stamp (f->data_dir);
  second = create_ok (f, REQUEST_DETERMINISTIC);
  after = listing (f);
  stamp_after = rb_data_dir_read_stamp (f->data_dir);
  g_assert_true (rb_run_result_was_reused (second));
  g_assert_cmpstr (rb_run_get_run_id (rb_run_result_get_run (second)), ==,
                   rb_run_get_run_id (rb_run_result_get_run (first)));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (stamp_before, ==, stamp_after);
  json = rb_run_result_to_json (second);
  text = rb_json_to_data (json, NULL);
  g_assert_true (g_str_has_suffix (text, "  \"wasReused\": true\n}\n"));

  /* Other inputs (a default sent explicitly counts) → another id. */
  other = create_ok (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\","
    " \"parameters\": {\"capacity\": 10, \"demand\": [5, 15, 12.5, 0]},"
    " \"options\": {\"deterministicRunId\": true}}");
  g_assert_false (rb_run_result_was_reused (other));
  g_assert_cmpstr (rb_run_get_run_id (rb_run_result_get_run (other)), !=,
                   rb_run_get_run_id (rb_run_result_get_run (first)));
}

static void
test_explicit_id (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(RbRunResult) first = create_ok (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"options\": {\"runId\": \"my-run\"}}");
  g_autoptr(RbRunResult) replaced = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) error_json = NULL;
  g_autofree char *error_text = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *tree = NULL;

  (void) data;
  g_assert_null (create (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"options\": {\"runId\": \"my-run\"}}",
    &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_ALREADY_EXISTS);
  g_assert_cmpuint (rb_error_code_http_status (error->code), ==, 409);
  error_json = rb_error_to_json (error);
  error_text = rb_json_to_compact (error_json);
  g_assert_cmpstr (error_text, ==,
                   "{\"error\":\"Run my-run already exists. Set overwriteExisting to replace it.\","
                   "\"code\":\"already_exists\",\"field\":\"options.runId\"}");

  replaced = create_ok (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"parameters\": {\"capacity\": 20},"
    " \"options\": {\"runId\": \"my-run\", \"overwriteExisting\": true}}");
  g_assert_cmpstr (rb_run_get_run_id (rb_run_result_get_run (replaced)), ==, "my-run");
  csv = read_run_file (f, "my-run", "series/capacity@CAPACITY@DEFAULT.csv");
  g_assert_cmpstr (csv, ==, "bin_index,value\n0,20\n1,20\n2,20\n3,20\n");

  /* Only the run and its lock remain: no .tmp-/.old- folder. */
  tree = listing (f);
  g_assert_null (strstr (tree, ".tmp-"));
  g_assert_null (strstr (tree, ".old-"));
  g_assert_true (g_str_has_prefix (tree, "runs/.my-run.lock "));
}

/* }}} */

/* Dry runs {{{ */

static void
test_dry_run (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(RbRunResult) real = create_ok (f, REQUEST_DETERMINISTIC);
  g_autoptr(RbRunResult) dry = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *before = listing (f);
  g_autofree char *after = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  const char *run_id = rb_run_get_run_id (rb_run_result_get_run (real));

  (void) data;
  dry = create_ok (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"parameters\": {\"capacity\": 10},"
    " \"options\": {\"deterministicRunId\": true, \"dryRun\": true}}");
  after = listing (f);
  g_assert_cmpstr (before, ==, after);
  g_assert_true (rb_run_result_is_dry_run (dry));
  g_assert_false (rb_run_result_was_reused (dry));
  g_assert_null (rb_run_result_get_run (dry));

  json = rb_run_result_to_json (dry);
  text = rb_json_to_data (json, NULL);
  expected = g_strdup_printf (
    "{\n"
    "  \"isDryRun\": true,\n"
    "  \"plan\": {\n"
    "    \"templateId\": \"Tiny.Flow\",\n"
    "    \"mode\": \"simulation\",\n"
    "    \"runId\": \"%s\",\n"
    "    \"parameters\": {\n"
    "      \"capacity\": 10,\n"
    "      \"demand\": [\n"
    "        5,\n"
    "        15,\n"
    "        12.5,\n"
    "        0\n"
    "      ]\n"
    "    },\n"
    "    \"seed\": 42,\n"
    "    \"files\": [\n"
    "      \"spec.yaml\",\n"
    "      \"model/model.yaml\",\n",
    run_id);
  g_assert_true (g_str_has_prefix (text, expected));
  g_assert_nonnull (strstr (text, "      \"series/desk_queue@DESK_QUEUE@DEFAULT.csv\",\n"));
  g_assert_true (g_str_has_suffix (text,
    "      \"series/index.json\",\n"
    "      \"run.json\",\n"
    "      \"manifest.json\",\n"
    "      \"model/metadata.json\",\n"
    "      \"model/provenance.json\"\n"
    "    ],\n"
    "    \"warnings\": []\n"
    "  }\n"
    "}\n"));
}

/* }}} */

/* Telemetry runs {{{ */

typedef struct
{
  const char *node_id;
  const char *metric;
  const char *series;   /* series file name in the source run */
  const char *file;
} BundleEntry;

/* A run-scoped bundle of @run_id built by hand from its own series
 * (formats.md "Telemetry bundle" and "Run-level telemetry state"). */
static void
make_run_scoped_bundle (Fixture    *f,
                        const char *run_id,
                        guint       grid_bins,
                        gboolean    with_unbound)
{
  static const BundleEntry entries[] = {
    { "Desk", "Arrivals", "arrivals@ARRIVALS@DEFAULT.csv", "Desk_arrivals.csv" },
    { "Desk", "Served", "capacity@CAPACITY@DEFAULT.csv", "Desk_served.csv" },
    { "Desk", "QueueDepth", "desk_queue@DESK_QUEUE@DEFAULT.csv", "Desk_queuedepth.csv" },
    { "Ghost", "Arrivals", "arrivals@ARRIVALS@DEFAULT.csv", "Ghost_arrivals.csv" },
  };
  g_autofree char *tdir = g_build_filename (f->data_dir, "runs", run_id, "model", "telemetry", NULL);
  g_autofree char *manifest_path = g_build_filename (tdir, "manifest.json", NULL);
  g_autofree char *tmanifest_path = g_build_filename (tdir, "telemetry-manifest.json", NULL);
  g_autofree char *auto_path = g_build_filename (tdir, "autocapture.json", NULL);
  g_autofree char *ref_path = g_build_filename (tdir, "capture-ref.json", NULL);
  g_autofree char *auto_text = NULL;
  GString *manifest = g_string_new (NULL);
  guint n = with_unbound ? 4 : 3;

  g_string_append_printf (manifest,
    "{\n  \"schemaVersion\": 2,\n"
    "  \"window\": {\"startTimeUtc\": \"2026-01-01T00:00:00Z\", \"durationMinutes\": %u},\n"
    "  \"grid\": {\"bins\": %u, \"binSize\": 60, \"binUnit\": \"minutes\"},\n"
    "  \"files\": [\n", grid_bins * 60, grid_bins);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *series_rel = g_build_filename ("series", entries[i].series, NULL);
      g_autofree char *csv = read_run_file (f, run_id, series_rel);
      g_autofree char *hash = rb_hash_string (csv);
      g_autofree char *dest = g_build_filename (tdir, entries[i].file, NULL);

      rb_test_write_file (dest, csv, -1);
      g_string_append_printf (manifest,
        "    {\"nodeId\": \"%s\", \"metric\": \"%s\", \"path\": \"%s\", \"hash\": \"%s\", \"points\": 4}%s\n",
        entries[i].node_id, entries[i].metric, entries[i].file, hash, i + 1 < n ? "," : "");
    }
  g_string_append_printf (manifest,
    "  ],\n  \"warnings\": [],\n"
    "  \"provenance\": {\"runId\": \"%s\", \"scenarioHash\": \"sha256:00\", \"modelHash\": \"sha256:00\","
    " \"capturedAtUtc\": \"2026-03-04T06:00:00Z\"},\n"
    "  \"supportsClassMetrics\": false\n}\n", run_id);
  rb_test_write_file (manifest_path, manifest->str, -1);
  rb_test_write_file (tmanifest_path, manifest->str, -1);
  auto_text = g_strdup_printf (
    "{\"templateId\": \"Tiny.Flow\", \"captureKey\": null, \"sourceRunId\": \"%s\","
    " \"generatedAtUtc\": \"2026-03-04T06:00:00Z\", \"rngSeed\": 42}\n", run_id);
  rb_test_write_file (auto_path, auto_text, -1);
  rb_test_write_file (ref_path,
    "{\"target\": \"run\", \"captureKey\": null, \"generatedAtUtc\": \"2026-03-04T06:00:00Z\"}\n", -1);
  g_string_free (manifest, TRUE);
}

static void
assert_same_series (Fixture    *f,
                    const char *a,
                    const char *b)
{
  static const char * const files[] = {
    "series/arrivals@ARRIVALS@DEFAULT.csv", "series/capacity@CAPACITY@DEFAULT.csv",
    "series/desk_queue@DESK_QUEUE@DEFAULT.csv", "series/doubled@DOUBLED@DEFAULT.csv",
    "series/index.json",
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *x = read_run_file (f, a, files[i]);
      g_autofree char *y = read_run_file (f, b, files[i]);

      g_assert_nonnull (x);
      g_assert_cmpstr (x, ==, y);
    }
}

static void
test_telemetry_missing (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(RbRunResult) source = create_ok (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"options\": {\"runId\": \"RUN_1\"}}");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = listing (f);
  g_autofree char *after = NULL;

  (void) data;
  g_assert_null (create (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"telemetry\", \"telemetry\": {\"sourceRunId\": \"RUN_1\"}}",
    &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_TELEMETRY_BUNDLE_MISSING);
  g_assert_cmpstr (error->message, ==, "Run RUN_1 has no telemetry bundle. Generate telemetry for it first.");
  g_assert_cmpuint (rb_error_code_http_status (error->code), ==, 422);
  g_clear_error (&error);

  g_assert_null (create (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"telemetry\", \"telemetry\": {\"captureKey\": \"nope\"}}",
    &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_TELEMETRY_BUNDLE_MISSING);
  g_assert_cmpstr (error->message, ==,
                   "There is no telemetry bundle with capture key nope. Generate telemetry with that key first.");
  g_clear_error (&error);

  /* An unknown source run is a 404. */
  g_assert_null (create (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"telemetry\", \"telemetry\": {\"sourceRunId\": \"RUN_2\"}}",
    &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  after = listing (f);
  g_assert_cmpstr (before, ==, after);
}

static void
test_telemetry_incompatible (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(RbRunResult) source = create_ok (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"options\": {\"runId\": \"RUN_1\"}}");
  g_autoptr(GError) error = NULL;

  (void) data;
  make_run_scoped_bundle (f, "RUN_1", 5, FALSE);
  g_assert_null (create (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"telemetry\", \"telemetry\": {\"sourceRunId\": \"RUN_1\"}}",
    &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE);
  g_assert_cmpuint (rb_error_code_http_status (error->code), ==, 422);
  g_assert_null (strstr (error->message, f->data_dir));
}

static void
test_telemetry_parity (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(RbRunResult) source = create_ok (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"parameters\": {\"capacity\": 11},"
    " \"options\": {\"runId\": \"RUN_1\"}}");
  g_autoptr(RbRunRequest) request = NULL;
  g_autoptr(RbRunResult) replay = NULL;
  g_autoptr(RbRunStore) store = rb_run_store_new (f->data_dir);
  g_autoptr(RbRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) summary = NULL;
  g_autofree char *summary_text = NULL;
  g_autofree char *provenance = NULL;
  g_autofree char *run_json = NULL;
  const char *replay_id;
  GPtrArray *warnings;

  (void) data;
  make_run_scoped_bundle (f, "RUN_1", 4, TRUE);
  run = rb_run_store_get (store, "RUN_1", &error);
  g_assert_no_error (error);
  g_assert_true (rb_run_get_telemetry (run)->available);

  request = rb_run_request_for_replay (f->data_dir, "RUN_1", "telemetry", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->mode, ==, "telemetry");
  g_assert_cmpstr (request->telemetry_source_run_id, ==, "RUN_1");
  replay = rb_orchestrator_create_run (f->data_dir, f->catalog, request, NULL, &error);
  g_assert_no_error (error);
  replay_id = rb_run_get_run_id (rb_run_result_get_run (replay));

  /* Bit for bit: every series file and the index. */
  assert_same_series (f, "RUN_1", replay_id);

  provenance = read_run_file (f, replay_id, "model/provenance.json");
  g_assert_true (g_str_has_suffix (provenance,
    "  \"replayOf\": {\n"
    "    \"runId\": \"RUN_1\",\n"
    "    \"kind\": \"telemetry\"\n"
    "  },\n"
    "  \"telemetry\": {\n"
    "    \"captureKey\": null,\n"
    "    \"sourceRunId\": \"RUN_1\"\n"
    "  }\n"
    "}\n"));
  g_assert_nonnull (strstr (provenance, "  \"mode\": \"telemetry\",\n"));

  /* The Ghost file binds to nothing: one run warning. */
  warnings = rb_run_get_warnings (rb_run_result_get_run (replay));
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_cmpstr (((RbWarning *) g_ptr_array_index (warnings, 0))->code, ==, "telemetry_unbound");
  g_assert_cmpstr (((RbWarning *) g_ptr_array_index (warnings, 0))->node_id, ==, "Ghost");
  run_json = read_run_file (f, replay_id, "run.json");
  g_assert_nonnull (strstr (run_json, "\"code\": \"telemetry_unbound\""));

  /* Lineage in RunSummary.source. */
  summary = rb_run_to_summary_json (rb_run_result_get_run (replay));
  summary_text = rb_json_to_compact (summary);
  g_assert_nonnull (strstr (summary_text, "\"source\":{\"runId\":\"RUN_1\",\"kind\":\"telemetry\"}"));
}

/* Pinned series replace the model's own; downstream is recomputed. */
static void
test_telemetry_pins (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(RbRunResult) source = create_ok (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"options\": {\"runId\": \"RUN_1\"}}");
  g_autoptr(RbRunResult) run = NULL;
  g_autofree char *bundle_csv = g_build_filename (f->data_dir, "runs", "RUN_1", "model", "telemetry",
                                                  "Desk_arrivals.csv", NULL);
  g_autofree char *arrivals = NULL;
  g_autofree char *doubled = NULL;
  const char *id;

  (void) data;
  make_run_scoped_bundle (f, "RUN_1", 4, FALSE);
  rb_test_write_file (bundle_csv, "bin_index,value\n0,1\n1,2\n2,3\n3,4\n", -1);
  run = create_ok (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"telemetry\", \"telemetry\": {\"sourceRunId\": \"RUN_1\"}}");
  id = rb_run_get_run_id (rb_run_result_get_run (run));
  arrivals = read_run_file (f, id, "series/arrivals@ARRIVALS@DEFAULT.csv");
  doubled = read_run_file (f, id, "series/doubled@DOUBLED@DEFAULT.csv");
  g_assert_cmpstr (arrivals, ==, "bin_index,value\n0,1\n1,2\n2,3\n3,4\n");
  g_assert_cmpstr (doubled, ==, "bin_index,value\n0,2\n1,4\n2,6\n3,8\n");
}

/* }}} */

/* Replay from model {{{ */

static void
test_replay_model (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(RbRunResult) source = create_ok (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"parameters\": {\"capacity\": 9},"
    " \"rng\": {\"kind\": \"pcg32\", \"seed\": 5}, \"options\": {\"runId\": \"RUN_1\"}}");
  g_autoptr(RbRunRequest) request = NULL;
  g_autoptr(RbRunRequest) stored = NULL;
  g_autoptr(RbRunResult) replay = NULL;
  g_autoptr(RbRunResult) replay_stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *template_path = g_build_filename (f->data_dir, "templates", "tiny.yaml", NULL);
  g_autoptr(RbTemplateCatalog) empty_catalog = NULL;
  RbRun *run;

  (void) data;
  request = rb_run_request_for_replay (f->data_dir, "RUN_1", "model", &error);
  g_assert_no_error (error);
  g_assert_false (request->use_stored_model);
  g_assert_cmpstr (request->template_id, ==, "Tiny.Flow");
  g_assert_true (request->has_seed);
  g_assert_cmpint (request->seed, ==, 5);
  replay = rb_orchestrator_create_run (f->data_dir, f->catalog, request, NULL, &error);
  g_assert_no_error (error);
  run = rb_run_result_get_run (replay);
  assert_same_series (f, "RUN_1", rb_run_get_run_id (run));
  g_assert_cmpstr (rb_run_get_source_run_id (run), ==, "RUN_1");
  g_assert_cmpstr (rb_run_get_source_kind (run), ==, "model");
  g_assert_cmpint (rb_run_get_rng_seed (run), ==, 5);
  g_assert_cmpstr (rb_run_get_mode (run), ==, "simulation");

  /* Template gone from the catalogue: the stored model is re-evaluated. */
  g_assert_cmpint (g_remove (template_path), ==, 0);
  empty_catalog = rb_template_catalog_new (f->data_dir);
  stored = rb_run_request_for_replay (f->data_dir, "RUN_1", "model", &error);
  g_assert_no_error (error);
  g_assert_true (stored->use_stored_model);
  replay_stored = rb_orchestrator_create_run (f->data_dir, empty_catalog, stored, NULL, &error);
  g_assert_no_error (error);
  run = rb_run_result_get_run (replay_stored);
  assert_same_series (f, "RUN_1", rb_run_get_run_id (run));
  g_assert_cmpstr (rb_run_get_template_id (run), ==, "Tiny.Flow");
  g_assert_cmpstr (rb_run_get_source_kind (run), ==, "model");

  /* Unknown runs and bad kinds. */
  g_assert_null (rb_run_request_for_replay (f->data_dir, "RUN_9", "model", &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (rb_run_request_for_replay (f->data_dir, "RUN_1", "dream", &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_null (rb_run_request_for_replay (f->data_dir, "../etc", "model", &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
}

/* }}} */

/* Validation {{{ */

typedef struct
{
  const char  *body;
  RbErrorCode  code;
  const char  *field;
} BadRequest;

static void
test_validation (Fixture       *f,
                 gconstpointer  data)
{
  static const BadRequest cases[] = {
    { "[]", RB_ERROR_INVALID_REQUEST, NULL },
    { "{\"templateId\": \"Tiny.Flow\"}", RB_ERROR_INVALID_REQUEST, "mode" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"sim\"}", RB_ERROR_INVALID_REQUEST, "mode" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": 1}", RB_ERROR_INVALID_REQUEST, "mode" },
    { "{\"mode\": \"simulation\"}", RB_ERROR_INVALID_REQUEST, "templateId" },
    { "{\"templateId\": 5, \"mode\": \"simulation\"}", RB_ERROR_INVALID_REQUEST, "templateId" },
    { "{\"templateId\": \"../x\", \"mode\": \"simulation\"}", RB_ERROR_INVALID_REQUEST, "templateId" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"parameters\": []}", RB_ERROR_INVALID_REQUEST, "parameters" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"rng\": {\"seed\": \"1\"}}", RB_ERROR_INVALID_REQUEST, "rng.seed" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"rng\": {\"seed\": 1.5}}", RB_ERROR_INVALID_REQUEST, "rng.seed" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"rng\": {\"kind\": \"mt\"}}", RB_ERROR_INVALID_REQUEST, "rng.kind" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"options\": {\"dryRun\": \"yes\"}}", RB_ERROR_INVALID_REQUEST, "options.dryRun" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"options\": {\"deterministicRunId\": 1}}", RB_ERROR_INVALID_REQUEST, "options.deterministicRunId" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"options\": {\"overwriteExisting\": null, \"runId\": \"a/b\"}}", RB_ERROR_INVALID_REQUEST, "options.runId" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"options\": {\"runId\": 3}}", RB_ERROR_INVALID_REQUEST, "options.runId" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"telemetry\"}", RB_ERROR_INVALID_REQUEST, "telemetry" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"telemetry\", \"telemetry\": {\"sourceRunId\": \"a\", \"captureKey\": \"b\"}}", RB_ERROR_INVALID_REQUEST, "telemetry" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"telemetry\", \"telemetry\": {\"sourceRunId\": \"..\"}}", RB_ERROR_INVALID_REQUEST, "telemetry.sourceRunId" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"telemetry\", \"telemetry\": {\"captureKey\": false}}", RB_ERROR_INVALID_REQUEST, "telemetry.captureKey" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"replayOf\": {\"runId\": \"a\", \"kind\": \"x\"}}", RB_ERROR_INVALID_REQUEST, "replayOf.kind" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"replayOf\": {\"kind\": \"model\"}}", RB_ERROR_INVALID_REQUEST, "replayOf.runId" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"telemetry\": \"x\"}", RB_ERROR_INVALID_REQUEST, "telemetry" },
    /* Reaching the catalogue and the template. */
    { "{\"templateId\": \"nope\", \"mode\": \"simulation\"}", RB_ERROR_NOT_FOUND, NULL },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"parameters\": {\"capacity\": -1}}", RB_ERROR_INVALID_PARAMETER, "parameters.capacity" },
    { "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"parameters\": {\"capacity\": \"many\"}}", RB_ERROR_INVALID_PARAMETER, "parameters.capacity" },
  };
  g_autofree char *before = listing (f);
  g_autofree char *after = NULL;

  (void) data;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RbRunResult) result = NULL;

      g_test_message ("case %u: %s", i, cases[i].body);
      result = create (f, cases[i].body, &error);
      g_assert_null (result);
      g_assert_error (error, RB_ERROR, (gint) cases[i].code);
      g_assert_cmpstr (rb_error_get_field (error), ==, cases[i].field);
      g_assert_null (strstr (error->message, f->data_dir));
    }
  after = listing (f);
  g_assert_cmpstr (before, ==, after);
}

static void
test_auto_capture_ignored (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(RbRunResult) result = create_ok (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"unknownMember\": 1,"
    " \"options\": {\"autoCapture\": true, \"runId\": \"plain\"}}");
  g_autoptr(JsonNode) json = rb_run_result_to_json (result);
  g_autofree char *text = rb_json_to_data (json, NULL);
  g_autofree char *tree = listing (f);

  (void) data;
  g_assert_null (strstr (text, "\"capture\""));
  g_assert_nonnull (strstr (text, "\"available\": false"));
  /* No bundle anywhere: nothing under telemetry/, no model/telemetry/. */
  g_assert_null (strstr (tree, "telemetry/"));
}

/* }}} */

/* Crash safety {{{ */

static void
test_crash_leaves_nothing (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRunStore) store = rb_run_store_new (f->data_dir);
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree char *tree = NULL;
  g_autofree char *stale = g_build_filename (f->data_dir, "runs", ".old-run.tmp-AbCdEf", NULL);
  g_autofree char *fresh = g_build_filename (f->data_dir, "runs", ".new-run.tmp-AbCdEf", NULL);
  g_autofree char *stale_file = g_build_filename (stale, "run.json", NULL);
  g_autofree char *fresh_file = g_build_filename (fresh, "run.json", NULL);

  (void) data;
  rb_run_writer_set_fail_publish_for_testing (TRUE);
  g_assert_null (create (f,
    "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"options\": {\"runId\": \"crashy\"}}",
    &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INTERNAL);
  rb_run_writer_set_fail_publish_for_testing (FALSE);
  runs = rb_run_store_list_all (store, NULL, NULL);
  g_assert_cmpuint (runs->len, ==, 0);
  tree = listing (f);
  g_assert_null (strstr (tree, "crashy/"));
  g_assert_null (strstr (tree, ".tmp-"));

  /* A temp folder left by a crash: never listed; swept after an hour. */
  rb_test_write_file (stale_file, "{}", -1);
  rb_test_write_file (fresh_file, "{}", -1);
  {
    GFile *file = g_file_new_for_path (stale);
    guint64 old = (guint64) (g_get_real_time () / G_USEC_PER_SEC - 7200);

    g_assert_true (g_file_set_attribute_uint64 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, old,
                                                G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL));
    g_object_unref (file);
  }
  g_clear_pointer (&runs, g_ptr_array_unref);
  runs = rb_run_store_list_all (store, NULL, NULL);
  g_assert_cmpuint (runs->len, ==, 0);
  {
    g_autoptr(RbRunResult) ok = create_ok (f,
      "{\"templateId\": \"Tiny.Flow\", \"mode\": \"simulation\", \"options\": {\"runId\": \"fine\"}}");
  }
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
}

/* }}} */

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/orchestrator/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("golden-bytes", test_golden);
  ADD ("read-back", test_read_back);
  ADD ("deterministic-reuse", test_deterministic_reuse);
  ADD ("explicit-id-409-overwrite", test_explicit_id);
  ADD ("dry-run", test_dry_run);
  ADD ("telemetry-missing", test_telemetry_missing);
  ADD ("telemetry-incompatible", test_telemetry_incompatible);
  ADD ("telemetry-parity", test_telemetry_parity);
  ADD ("telemetry-pins", test_telemetry_pins);
  ADD ("replay-model", test_replay_model);
  ADD ("validation", test_validation);
  ADD ("auto-capture-ignored", test_auto_capture_ignored);
  ADD ("crash-leaves-nothing", test_crash_leaves_nothing);
  return g_test_run ();
}
