/* test-run.c — reading one run of either FlowTime era, its telemetry state
 * and its RunSummary / RunDetail JSON, byte for byte
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "rb-error.h"
#include "rb-json.h"
#include "rb-run.h"
#include "rb-test-util.h"

#define BOM "\xEF\xBB\xBF"

typedef struct
{
  char *tmp;
  char *data_dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->tmp = rb_test_make_temp_dir ();
  f->data_dir = g_build_filename (f->tmp, "data", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->data_dir, 0755), ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  rb_test_remove_tree (f->tmp);
  g_free (f->data_dir);
  g_free (f->tmp);
}

static void
put (const char *dir,
     const char *rel,
     const char *contents)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);

  rb_test_write_file (path, contents, -1);
}

static char *
to_text (JsonNode *node)
{
  char *text = rb_json_to_data (node, NULL);

  json_node_unref (node);
  return text;
}

/* Fixtures {{{ */

#define CURRENT_ID "run_20261126T101530Z_a1b2c3d4"

/* A run as Runboard (and FlowTime at HEAD) writes it: runs/<id>/,
 * bin_index CSVs, warnings as objects (and one legacy string), provenance
 * with replayOf, and a run-scoped telemetry bundle with capture-ref.json. */
static char *
make_current_run (Fixture *f)
{
  char *run = g_build_filename (f->data_dir, "runs", CURRENT_ID, NULL);

  put (run, "run.json",
       "{\n"
       "  \"schemaVersion\": 1,\n"
       "  \"runId\": \"" CURRENT_ID "\",\n"
       "  \"engineVersion\": \"runboard-0.1.0\",\n"
       "  \"source\": \"engine\",\n"
       "  \"inputHash\": \"sha256:1111111111111111111111111111111111111111111111111111111111111111\",\n"
       "  \"grid\": {\"bins\": 4, \"binSize\": 5, \"binUnit\": \"minutes\", \"timezone\": \"UTC\", \"align\": \"left\"},\n"
       "  \"modelHash\": \"sha256:2222222222222222222222222222222222222222222222222222222222222222\",\n"
       "  \"scenarioHash\": \"sha256:3333333333333333333333333333333333333333333333333333333333333333\",\n"
       "  \"createdUtc\": \"2026-11-26T10:15:30.123456Z\",\n"
       "  \"warnings\": [\n"
       "    {\"code\": \"queue_overflow\", \"message\": \"Queue exceeded capacity\", \"nodeId\": \"IngressQueue\", \"bins\": [2, 3]},\n"
       "    \"legacy engine text\",\n"
       "    {\"code\": \"invariant\", \"message\": \"Served exceeds arrivals\", \"nodeId\": null, \"bins\": null, \"severity\": \"warning\"}\n"
       "  ],\n"
       "  \"series\": []\n"
       "}\n");
  put (run, "manifest.json",
       "{\"schemaVersion\": 1, \"rng\": {\"kind\": \"pcg32\", \"seed\": 42}, \"eventCount\": 0}\n");
  put (run, "model/metadata.json",
       "{\n"
       "  \"schemaVersion\": 1,\n"
       "  \"templateId\": \"warehouse-picker-waves\",\n"
       "  \"templateTitle\": \"Warehouse Picker Waves\",\n"
       "  \"templateVersion\": \"1.2.0\",\n"
       "  \"mode\": \"Simulation\",\n"
       "  \"parameters\": {\"waveCapacity\": 100, \"rate\": 0.5, \"names\": [\"a\", \"b\"]}\n"
       "}\n");
  put (run, "model/provenance.json",
       "{\"source\": \"runboard\", \"inputHash\": \"sha256:ffff\",\n"
       " \"replayOf\": {\"runId\": \"run_20261125T090000Z_00000000\", \"kind\": \"model\"}}\n");
  put (run, "model/model.yaml",
       "schemaVersion: 1\n"
       "metadata:\n"
       "  id: warehouse-picker-waves\n"
       "  title: Warehouse Picker Waves\n"
       "topology:\n"
       "  nodes:\n"
       "    - id: IngressQueue\n"
       "      kind: queue\n"
       "      semantics:\n"
       "        arrivals: arrivals\n"
       "        served: \"file:../series/served@SERVED@DEFAULT.csv\"\n"
       "        queueDepth: intake_queue\n"
       "        errors: missing_node\n"
       "        capacity: \"file:../series/nope.csv\"\n"
       "    - id: Picker\n"
       "      semantics:\n"
       "        arrivals: served\n"
       "        queue: intake_queue\n"
       "        retryEcho: served\n"
       "    - kind: orphan-without-id\n");
  put (run, "series/index.json",
       "{\"schemaVersion\": 1, \"grid\": {\"bins\": 4, \"binSize\": 5, \"binUnit\": \"minutes\"},\n"
       " \"series\": [\n"
       "  {\"id\": \"arrivals@ARRIVALS@DEFAULT\", \"kind\": \"flow\", \"path\": \"series/arrivals@ARRIVALS@DEFAULT.csv\", \"unit\": \"entities/bin\", \"componentId\": \"ARRIVALS\", \"class\": \"DEFAULT\", \"points\": 4, \"hash\": \"sha256:aa\"},\n"
       "  {\"id\": \"served@SERVED@DEFAULT\", \"kind\": \"flow\", \"path\": \"series/served@SERVED@DEFAULT.csv\", \"unit\": \"entities/bin\", \"componentId\": \"SERVED\", \"class\": \"DEFAULT\", \"points\": 4, \"hash\": \"sha256:bb\"},\n"
       "  {\"id\": \"intake_queue@INTAKE_QUEUE@DEFAULT\", \"kind\": \"flow\", \"path\": \"series/intake_queue@INTAKE_QUEUE@DEFAULT.csv\", \"unit\": \"entities/bin\", \"componentId\": \"INTAKE_QUEUE\", \"class\": \"DEFAULT\", \"points\": 4, \"hash\": \"sha256:cc\"}\n"
       " ]}\n");
  put (run, "series/arrivals@ARRIVALS@DEFAULT.csv", "bin_index,value\n0,10\n1,12\n2,11\n3,13\n");
  put (run, "series/served@SERVED@DEFAULT.csv", "bin_index,value\n0,9\n1,11\n2,10\n3,12\n");
  put (run, "series/intake_queue@INTAKE_QUEUE@DEFAULT.csv", "bin_index,value\n0,1\n1,2\n2,3\n3,4\n");
  /* Run-scoped bundle, ours. */
  put (run, "model/telemetry/manifest.json",
       "{\"schemaVersion\": 2, \"files\": [{\"nodeId\": \"IngressQueue\"}],\n"
       " \"warnings\": [{\"code\": \"nan_detected\", \"message\": \"m\"}]}\n");
  put (run, "model/telemetry/telemetry-manifest.json",
       "{\"schemaVersion\": 2, \"files\": [{\"nodeId\": \"IngressQueue\"}],\n"
       " \"warnings\": [{\"code\": \"nan_detected\", \"message\": \"m\"}]}\n");
  put (run, "model/telemetry/autocapture.json",
       "{\"templateId\": \"warehouse-picker-waves\", \"captureKey\": null,\n"
       " \"sourceRunId\": \"" CURRENT_ID "\", \"generatedAtUtc\": \"2026-11-26T10:20:00.000001Z\"}\n");
  put (run, "model/telemetry/capture-ref.json",
       "{\n  \"target\": \"run\",\n  \"captureKey\": null,\n  \"generatedAtUtc\": \"2026-11-26T10:20:00.000001Z\"\n}\n");
  return run;
}

#define LEGACY_ID "run_deterministic_05411a41"

/* A TT-M-03.17 run, directly in the data folder: BOMs, t,value CSVs,
 * warnings [], no provenance.json, FlowTime's empty telemetry manifest. */
static char *
make_legacy_run (Fixture *f)
{
  char *run = g_build_filename (f->data_dir, LEGACY_ID, NULL);

  put (run, "run.json",
       BOM "{\n"
       "  \"schemaVersion\": 1,\n"
       "  \"runId\": \"" LEGACY_ID "\",\n"
       "  \"engineVersion\": \"0.1.0\",\n"
       "  \"source\": \"engine\",\n"
       "  \"grid\": {\n"
       "    \"bins\": 4,\n"
       "    \"binSize\": 5,\n"
       "    \"binUnit\": \"minutes\",\n"
       "    \"timezone\": \"UTC\",\n"
       "    \"align\": \"left\"\n"
       "  },\n"
       "  \"modelHash\": \"sha256:91d5ee0704bab68d4f83c3e116a979c36b193b3f93fa8862e14266c7a81d3ac3\",\n"
       "  \"scenarioHash\": \"sha256:05411a4150bfaf3e289d191e568fdbfc14fd48f384b4363b50d8e7db465c479b\",\n"
       "  \"createdUtc\": \"2025-10-22T12:52:05.1637446Z\",\n"
       "  \"warnings\": [],\n"
       "  \"series\": [\n"
       "    {\n"
       "      \"id\": \"arrivals@ARRIVALS@DEFAULT\",\n"
       "      \"path\": \"series/arrivals@ARRIVALS@DEFAULT.csv\",\n"
       "      \"unit\": \"entities/bin\"\n"
       "    }\n"
       "  ]\n"
       "}");
  put (run, "manifest.json",
       BOM "{\n"
       "  \"schemaVersion\": 1,\n"
       "  \"scenarioHash\": \"sha256:05411a4150bfaf3e289d191e568fdbfc14fd48f384b4363b50d8e7db465c479b\",\n"
       "  \"rng\": {\n"
       "    \"kind\": \"pcg32\",\n"
       "    \"seed\": 1804289383\n"
       "  },\n"
       "  \"seriesHashes\": {},\n"
       "  \"eventCount\": 0,\n"
       "  \"createdUtc\": \"2025-10-22T12:52:05.1637446Z\",\n"
       "  \"modelHash\": \"sha256:91d5ee0704bab68d4f83c3e116a979c36b193b3f93fa8862e14266c7a81d3ac3\"\n"
       "}");
  put (run, "model/metadata.json",
       BOM "{\n"
       "  \"schemaVersion\": 1,\n"
       "  \"templateId\": \"sim-order\",\n"
       "  \"templateTitle\": \"Simulation Order Template\",\n"
       "  \"templateVersion\": \"1.0.0\",\n"
       "  \"mode\": \"simulation\",\n"
       "  \"modelHash\": \"sha256:91d5ee0704bab68d4f83c3e116a979c36b193b3f93fa8862e14266c7a81d3ac3\",\n"
       "  \"source\": null,\n"
       "  \"generator\": null,\n"
       "  \"modelId\": null,\n"
       "  \"generatedAtUtc\": null,\n"
       "  \"receivedAtUtc\": \"2025-10-22T12:52:05.1600000Z\",\n"
       "  \"parameters\": {}\n"
       "}");
  put (run, "model/model.yaml",
       BOM "schemaVersion: 1\n"
       "generator: flowtime-sim\n"
       "mode: simulation\n"
       "metadata:\n"
       "  id: sim-order\n"
       "  title: Simulation Order Template\n"
       "  version: 1.0.0\n"
       "grid:\n"
       "  bins: 4\n"
       "  binSize: 5\n"
       "  binUnit: minutes\n"
       "topology:\n"
       "  nodes:\n"
       "    - id: OrderService\n"
       "      kind: service\n"
       "      semantics:\n"
       "        arrivals: arrivals\n"
       "        served: served\n"
       "        errors: errors\n"
       "  edges: []\n"
       "nodes:\n"
       "  - id: arrivals\n"
       "    kind: const\n"
       "    values: [10, 10, 10, 10]\n"
       "outputs:\n"
       "  - series: \"*\"\n");
  put (run, "spec.yaml", BOM "schemaVersion: 1\n");
  put (run, "series/index.json",
       BOM "{\n"
       "  \"schemaVersion\": 1,\n"
       "  \"grid\": {\"bins\": 4, \"binSize\": 5, \"binUnit\": \"minutes\", \"timezone\": \"UTC\"},\n"
       "  \"series\": [\n"
       "    {\"id\": \"arrivals@ARRIVALS@DEFAULT\", \"kind\": \"flow\", \"path\": \"series/arrivals@ARRIVALS@DEFAULT.csv\", \"unit\": \"entities/bin\", \"componentId\": \"ARRIVALS\", \"class\": \"DEFAULT\", \"points\": 4, \"hash\": \"sha256:172c17b4dd13332db4d6f76a7e355d3eea3701367a3f3fb4ee43e9d21c5ddd96\"},\n"
       "    {\"id\": \"served@SERVED@DEFAULT\", \"kind\": \"flow\", \"path\": \"series/served@SERVED@DEFAULT.csv\", \"unit\": \"entities/bin\", \"componentId\": \"SERVED\", \"class\": \"DEFAULT\", \"points\": 4, \"hash\": \"sha256:366ebcca2ea9ccc0d387d1c612ff4701e61a6ca120b97ec283be8a7f0d677726\"},\n"
       "    {\"id\": \"errors@ERRORS@DEFAULT\", \"kind\": \"flow\", \"path\": \"series/errors@ERRORS@DEFAULT.csv\", \"unit\": \"entities/bin\", \"componentId\": \"ERRORS\", \"class\": \"DEFAULT\", \"points\": 4, \"hash\": \"sha256:21617352ae46da884880d3b482f971bd07aad3f3ecefa76e37aa24f3fc0ba4ed\"}\n"
       "  ],\n"
       "  \"formats\": {\"goldTable\": {\"path\": \"gold/node_time_bin.parquet\"}}\n"
       "}");
  put (run, "series/arrivals@ARRIVALS@DEFAULT.csv", BOM "t,value\n0,10\n1,10\n2,10\n3,10\n");
  put (run, "series/served@SERVED@DEFAULT.csv", BOM "t,value\n0,8\n1,9\n2,9\n3,10\n");
  put (run, "series/errors@ERRORS@DEFAULT.csv", BOM "t,value\n0,0\n1,0\n2,0\n3,0\n");
  put (run, "model/telemetry/telemetry-manifest.json",
       "{\n"
       "  \"schemaVersion\": 1,\n"
       "  \"grid\": {\"bins\": 4, \"binSize\": 5, \"binUnit\": \"minutes\"},\n"
       "  \"files\": [],\n"
       "  \"warnings\": [],\n"
       "  \"provenance\": {\"runId\": \"" LEGACY_ID "\", \"capturedAtUtc\": \"2025-10-22T12:52:05.2000000Z\"}\n"
       "}");
  return run;
}

/* }}} */

static void
test_metrics (void)
{
  RbMetric metric = RB_N_METRICS;

  g_assert_cmpstr (rb_metric_to_key (RB_METRIC_EXTERNAL_DEMAND), ==, "externalDemand");
  g_assert_cmpstr (rb_metric_to_key (RB_METRIC_QUEUE_DEPTH), ==, "queueDepth");
  g_assert_cmpstr (rb_metric_to_name (RB_METRIC_QUEUE_DEPTH), ==, "QueueDepth");
  g_assert_cmpstr (rb_metric_to_name (RB_METRIC_ARRIVALS), ==, "Arrivals");
  g_assert_true (rb_metric_from_key ("capacity", &metric));
  g_assert_cmpint (metric, ==, RB_METRIC_CAPACITY);
  g_assert_true (rb_metric_from_key ("queue", &metric));
  g_assert_cmpint (metric, ==, RB_METRIC_QUEUE_DEPTH);
  g_assert_false (rb_metric_from_key ("retryEcho", &metric));
  g_assert_false (rb_metric_from_key ("Arrivals", NULL));
}

static const char current_summary[] =
  "{\n"
  "  \"runId\": \"" CURRENT_ID "\",\n"
  "  \"templateId\": \"warehouse-picker-waves\",\n"
  "  \"templateTitle\": \"Warehouse Picker Waves\",\n"
  "  \"templateVersion\": \"1.2.0\",\n"
  "  \"mode\": \"simulation\",\n"
  "  \"createdUtc\": \"2026-11-26T10:15:30.123456Z\",\n"
  "  \"warningCount\": 3,\n"
  "  \"grid\": {\n"
  "    \"bins\": 4,\n"
  "    \"binSize\": 5,\n"
  "    \"binUnit\": \"minutes\"\n"
  "  },\n"
  "  \"rng\": {\n"
  "    \"kind\": \"pcg32\",\n"
  "    \"seed\": 42\n"
  "  },\n"
  "  \"source\": {\n"
  "    \"runId\": \"run_20261125T090000Z_00000000\",\n"
  "    \"kind\": \"model\"\n"
  "  },\n"
  "  \"telemetry\": {\n"
  "    \"available\": true,\n"
  "    \"generatedAtUtc\": \"2026-11-26T10:20:00.000001Z\",\n"
  "    \"warningCount\": 1,\n"
  "    \"sourceRunId\": \"" CURRENT_ID "\",\n"
  "    \"captureKey\": null\n"
  "  },\n"
  "  \"diagnostic\": null\n"
  "}\n";

static const char current_detail_tail[] =
  "  \"diagnostic\": null,\n"
  "  \"parameters\": {\n"
  "    \"waveCapacity\": 100,\n"
  "    \"rate\": 0.5,\n"
  "    \"names\": [\n"
  "      \"a\",\n"
  "      \"b\"\n"
  "    ]\n"
  "  },\n"
  "  \"inputHash\": \"sha256:1111111111111111111111111111111111111111111111111111111111111111\",\n"
  "  \"warnings\": [\n"
  "    {\n"
  "      \"code\": \"queue_overflow\",\n"
  "      \"message\": \"Queue exceeded capacity\",\n"
  "      \"nodeId\": \"IngressQueue\",\n"
  "      \"bins\": [\n"
  "        2,\n"
  "        3\n"
  "      ]\n"
  "    },\n"
  "    {\n"
  "      \"code\": \"engine_warning\",\n"
  "      \"message\": \"legacy engine text\"\n"
  "    },\n"
  "    {\n"
  "      \"code\": \"invariant\",\n"
  "      \"message\": \"Served exceeds arrivals\"\n"
  "    }\n"
  "  ],\n"
  "  \"canReplay\": true,\n"
  "  \"topology\": {\n"
  "    \"nodes\": [\n"
  "      {\n"
  "        \"id\": \"IngressQueue\",\n"
  "        \"kind\": \"queue\",\n"
  "        \"metrics\": {\n"
  "          \"arrivals\": \"arrivals@ARRIVALS@DEFAULT\",\n"
  "          \"served\": \"served@SERVED@DEFAULT\",\n"
  "          \"queueDepth\": \"intake_queue@INTAKE_QUEUE@DEFAULT\"\n"
  "        }\n"
  "      },\n"
  "      {\n"
  "        \"id\": \"Picker\",\n"
  "        \"kind\": null,\n"
  "        \"metrics\": {\n"
  "          \"arrivals\": \"served@SERVED@DEFAULT\",\n"
  "          \"queueDepth\": \"intake_queue@INTAKE_QUEUE@DEFAULT\"\n"
  "        }\n"
  "      }\n"
  "    ]\n"
  "  }\n"
  "}\n";

static char *
expected_detail (const char *summary,
                 const char *tail)
{
  const char *cut = strstr (summary, "  \"diagnostic\"");
  g_autofree char *head = NULL;

  g_assert_nonnull (cut);
  head = g_strndup (summary, cut - summary);
  return g_strconcat (head, tail, NULL);
}

static void
test_current_run (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *dir = make_current_run (f);
  g_autoptr(RbRun) run = rb_run_load (dir, CURRENT_ID);
  g_autofree char *summary = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *expected = NULL;
  const RbSeriesInfo *info;

  /* Listing reads only the summary files. */
  g_assert_false (rb_run_has_detail (run));
  g_assert_null (rb_run_get_load_error (run));
  g_assert_cmpuint (rb_run_get_topology (run)->len, ==, 0);
  summary = to_text (rb_run_to_summary_json (run));
  g_assert_cmpstr (summary, ==, current_summary);
  g_assert_cmpint (rb_run_get_created_unix (run), ==, 1795688130);
  g_assert_cmpint (rb_run_get_created_usec (run), ==, G_GINT64_CONSTANT (1795688130123456));
  g_assert_cmpstr (rb_run_get_directory (run), ==, dir);

  g_assert_true (rb_run_ensure_detail (run));
  g_assert_true (rb_run_has_detail (run));
  detail = to_text (rb_run_to_detail_json (run));
  expected = expected_detail (current_summary, current_detail_tail);
  g_assert_cmpstr (detail, ==, expected);

  g_assert_cmpuint (rb_run_get_series (run)->len, ==, 3);
  info = rb_run_find_series (run, "served@SERVED@DEFAULT");
  g_assert_nonnull (info);
  g_assert_cmpstr (info->path, ==, "series/served@SERVED@DEFAULT.csv");
  g_assert_cmpstr (info->unit, ==, "entities/bin");
  g_assert_cmpstr (info->component_id, ==, "SERVED");
  g_assert_cmpstr (info->class_id, ==, "DEFAULT");
  g_assert_cmpuint (info->points, ==, 4);
  g_assert_cmpstr (info->hash, ==, "sha256:bb");
  g_assert_null (rb_run_find_series (run, "nope@NOPE@DEFAULT"));
}

static const char legacy_summary[] =
  "{\n"
  "  \"runId\": \"" LEGACY_ID "\",\n"
  "  \"templateId\": \"sim-order\",\n"
  "  \"templateTitle\": \"Simulation Order Template\",\n"
  "  \"templateVersion\": \"1.0.0\",\n"
  "  \"mode\": \"simulation\",\n"
  "  \"createdUtc\": \"2025-10-22T12:52:05.1637446Z\",\n"
  "  \"warningCount\": 0,\n"
  "  \"grid\": {\n"
  "    \"bins\": 4,\n"
  "    \"binSize\": 5,\n"
  "    \"binUnit\": \"minutes\"\n"
  "  },\n"
  "  \"rng\": {\n"
  "    \"kind\": \"pcg32\",\n"
  "    \"seed\": 1804289383\n"
  "  },\n"
  "  \"source\": null,\n"
  "  \"telemetry\": {\n"
  "    \"available\": false,\n"
  "    \"generatedAtUtc\": null,\n"
  "    \"warningCount\": 0,\n"
  "    \"sourceRunId\": null,\n"
  "    \"captureKey\": null\n"
  "  },\n"
  "  \"diagnostic\": null\n"
  "}\n";

static const char legacy_detail_tail[] =
  "  \"diagnostic\": null,\n"
  "  \"parameters\": {},\n"
  "  \"inputHash\": null,\n"
  "  \"warnings\": [],\n"
  "  \"canReplay\": true,\n"
  "  \"topology\": {\n"
  "    \"nodes\": [\n"
  "      {\n"
  "        \"id\": \"OrderService\",\n"
  "        \"kind\": \"service\",\n"
  "        \"metrics\": {\n"
  "          \"arrivals\": \"arrivals@ARRIVALS@DEFAULT\",\n"
  "          \"served\": \"served@SERVED@DEFAULT\",\n"
  "          \"errors\": \"errors@ERRORS@DEFAULT\"\n"
  "        }\n"
  "      }\n"
  "    ]\n"
  "  }\n"
  "}\n";

static void
test_legacy_run (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *dir = make_legacy_run (f);
  g_autoptr(RbRun) run = rb_run_load (dir, LEGACY_ID);
  g_autoptr(RbRun) detailed = rb_run_load_detail (f->data_dir, dir, LEGACY_ID);
  g_autofree char *summary = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *expected = NULL;

  summary = to_text (rb_run_to_summary_json (run));
  g_assert_cmpstr (summary, ==, legacy_summary);
  g_assert_cmpint (rb_run_get_created_usec (run), ==, G_GINT64_CONSTANT (1761137525163744));

  g_assert_true (rb_run_has_detail (detailed));
  detail = to_text (rb_run_to_detail_json (detailed));
  expected = expected_detail (legacy_summary, legacy_detail_tail);
  g_assert_cmpstr (detail, ==, expected);
  g_assert_cmpuint (rb_run_get_series (detailed)->len, ==, 3);
}

/* Both shapes parse back to the same bytes (the remote backend's path). */
static void
test_json_round_trip (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *current = make_current_run (f);
  g_autofree char *legacy = make_legacy_run (f);
  const char *dirs[] = { current, legacy };
  const char *ids[] = { CURRENT_ID, LEGACY_ID };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autoptr(RbRun) run = rb_run_load_detail (NULL, dirs[i], ids[i]);
      g_autoptr(JsonNode) summary = rb_run_to_summary_json (run);
      g_autoptr(JsonNode) detail = rb_run_to_detail_json (run);
      g_autofree char *summary_text = rb_json_to_data (summary, NULL);
      g_autofree char *detail_text = rb_json_to_data (detail, NULL);
      g_autoptr(RbRun) from_summary = NULL;
      g_autoptr(RbRun) from_detail = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *again_summary = NULL;
      g_autofree char *again_detail = NULL;

      from_summary = rb_run_new_from_json (json_node_get_object (summary), &error);
      g_assert_no_error (error);
      g_assert_false (rb_run_has_detail (from_summary));
      g_assert_null (rb_run_get_directory (from_summary));
      again_summary = to_text (rb_run_to_summary_json (from_summary));
      g_assert_cmpstr (again_summary, ==, summary_text);
      g_assert_cmpint (rb_run_get_created_usec (from_summary), ==, rb_run_get_created_usec (run));

      from_detail = rb_run_new_from_json (json_node_get_object (detail), &error);
      g_assert_no_error (error);
      g_assert_true (rb_run_has_detail (from_detail));
      /* Nothing to read from: ensure_detail keeps what came over the wire. */
      g_assert_true (rb_run_ensure_detail (from_detail));
      again_detail = to_text (rb_run_to_detail_json (from_detail));
      g_assert_cmpstr (again_detail, ==, detail_text);
      g_assert_cmpuint (rb_run_get_warnings (from_detail)->len, ==, rb_run_get_warning_count (run));
    }
}

static void
test_json_errors (void)
{
  static const struct {
    const char *json;
    const char *field;
  } cases[] = {
    { "{}", "runId" },
    { "{\"runId\": \"../etc\"}", "runId" },
    { "{\"runId\": \"r1\", \"templateId\": 3}", "templateId" },
    { "{\"runId\": \"r1\", \"grid\": []}", "grid" },
    { "{\"runId\": \"r1\", \"grid\": {\"bins\": -1}}", "grid.bins" },
    { "{\"runId\": \"r1\", \"warningCount\": \"many\"}", "warningCount" },
    { "{\"runId\": \"r1\", \"createdUtc\": \"yesterday\"}", "createdUtc" },
    { "{\"runId\": \"r1\", \"telemetry\": {\"captureKey\": 1}}", "telemetry.captureKey" },
    { "{\"runId\": \"r1\", \"canReplay\": true, \"parameters\": 1}", "parameters" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = rb_json_parse (cases[i].json, -1, "test", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(RbRun) run = NULL;

      g_assert_nonnull (node);
      run = rb_run_new_from_json (json_node_get_object (node), &error);
      g_assert_null (run);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
      g_assert_cmpstr (rb_error_get_field (error), ==, cases[i].field);
    }
}

static void
test_json_diagnostic (void)
{
  g_autoptr(JsonNode) node = rb_json_parse ("{\"runId\": \"r1\", \"diagnostic\": \"run.json is missing\"}",
                                            -1, "test", NULL);
  g_autoptr(RbRun) run = rb_run_new_from_json (json_node_get_object (node), NULL);

  g_assert_nonnull (run);
  g_assert_cmpstr (rb_run_get_diagnostic (run), ==, "run.json is missing");
  g_assert_error ((GError *) rb_run_get_load_error (run), RB_ERROR, RB_ERROR_RUN_UNREADABLE);
  g_assert_null (rb_run_get_template_id (run));
  g_assert_false (rb_run_get_has_grid (run));
}

/* Broken files {{{ */

static void
test_malformed_run_json (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *dir = make_current_run (f);
  g_autoptr(RbRun) run = NULL;
  g_autofree char *summary = NULL;
  const GError *error;

  put (dir, "run.json", "{\n  \"runId\": \"x\",\n  \"grid\": {,\n}\n");
  run = rb_run_load (dir, CURRENT_ID);
  error = rb_run_get_load_error (run);
  g_assert_error ((GError *) error, RB_ERROR, RB_ERROR_RUN_UNREADABLE);
  g_assert_true (g_str_has_prefix (rb_run_get_diagnostic (run), "run.json is not valid JSON at line 3: "));
  g_assert_cmpstr (error->message, ==, rb_run_get_diagnostic (run));
  g_assert_null (strstr (error->message, f->tmp));
  /* What could be read is kept; what depends on run.json is null. */
  g_assert_cmpstr (rb_run_get_run_id (run), ==, CURRENT_ID);
  g_assert_cmpstr (rb_run_get_template_id (run), ==, "warehouse-picker-waves");
  g_assert_false (rb_run_get_has_grid (run));
  g_assert_cmpstr (rb_run_get_input_hash (run), ==, "sha256:ffff");
  summary = to_text (rb_run_to_summary_json (run));
  g_assert_nonnull (strstr (summary, "  \"createdUtc\": \"2026-11-26T10:15:30.000000Z\",\n"));
  g_assert_nonnull (strstr (summary, "  \"grid\": null,\n"));
}

static void
test_missing_files (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *dir = make_current_run (f);
  g_autofree char *path = NULL;

  /* run.json missing */
  path = g_build_filename (dir, "run.json", NULL);
  g_assert_cmpint (g_remove (path), ==, 0);
  {
    g_autoptr(RbRun) run = rb_run_load (dir, CURRENT_ID);
    g_autofree char *summary = to_text (rb_run_to_summary_json (run));

    g_assert_cmpstr (rb_run_get_diagnostic (run), ==, "run.json is missing");
    g_assert_nonnull (strstr (summary, "  \"warningCount\": 0,\n"));
    g_assert_nonnull (strstr (summary, "  \"diagnostic\": \"run.json is missing\"\n"));
  }
  g_clear_pointer (&path, g_free);

  /* metadata.json missing while model/ exists: named, and it wins only when
   * run.json is fine (the first broken file is reported). */
  {
    g_autofree char *legacy = make_legacy_run (f);
    g_autoptr(RbRun) run = NULL;

    path = g_build_filename (legacy, "model", "metadata.json", NULL);
    g_assert_cmpint (g_remove (path), ==, 0);
    run = rb_run_load (legacy, LEGACY_ID);
    g_assert_cmpstr (rb_run_get_diagnostic (run), ==, "model/metadata.json is missing");
    g_assert_null (rb_run_get_template_id (run));
    g_assert_null (rb_run_get_mode (run));
    g_assert_true (rb_run_get_has_grid (run));
  }
  g_clear_pointer (&path, g_free);

  /* A present but malformed manifest.json is reported too. */
  put (dir, "run.json", "{\"runId\": \"" CURRENT_ID "\"}");
  put (dir, "manifest.json", "[1, 2]");
  {
    g_autoptr(RbRun) run = rb_run_load (dir, CURRENT_ID);

    g_assert_cmpstr (rb_run_get_diagnostic (run), ==, "manifest.json is not a JSON object");
  }
  put (dir, "manifest.json", "{}");
  put (dir, "model/provenance.json", "{\"replayOf\": ");
  {
    g_autoptr(RbRun) run = rb_run_load (dir, CURRENT_ID);

    g_assert_true (g_str_has_prefix (rb_run_get_diagnostic (run),
                                     "model/provenance.json is not valid JSON at line 1"));
  }
}

/* No model/ at all: FlowTime-style fallbacks, no replay. */
static void
test_no_model_dir (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->data_dir, "runs", "bare", NULL);
  g_autoptr(RbRun) run = NULL;
  g_autofree char *detail = NULL;

  put (dir, "run.json", "{\"runId\": \"bare\", \"warnings\": [\"w\"]}");
  put (dir, "series/index.json", "{\"grid\": {\"bins\": 24, \"binSize\": 1, \"binUnit\": \"hours\"}, \"series\": []}");
  run = rb_run_load (dir, "bare");
  g_assert_null (rb_run_get_diagnostic (run));
  g_assert_cmpstr (rb_run_get_template_id (run), ==, "adhoc-model");
  g_assert_cmpstr (rb_run_get_template_title (run), ==, "adhoc-model");
  g_assert_cmpstr (rb_run_get_template_version (run), ==, "0.0.0");
  g_assert_cmpstr (rb_run_get_mode (run), ==, "simulation");
  g_assert_null (rb_run_get_created_utc (run));
  g_assert_cmpint (rb_run_get_created_unix (run), ==, 0);
  /* Grid from series/index.json when run.json has none. */
  g_assert_true (rb_run_get_has_grid (run));
  g_assert_cmpuint (rb_run_get_bins (run), ==, 24);
  g_assert_cmpstr (rb_run_get_bin_unit (run), ==, "hours");
  g_assert_false (rb_run_get_has_rng (run));
  g_assert_cmpuint (rb_run_get_warning_count (run), ==, 1);

  rb_run_ensure_detail (run);
  g_assert_false (rb_run_get_can_replay (run));
  detail = to_text (rb_run_to_detail_json (run));
  g_assert_nonnull (strstr (detail, "  \"canReplay\": false,\n"
                                    "  \"topology\": {\n"
                                    "    \"nodes\": []\n"
                                    "  }\n"));
}

/* Template fields missing from metadata.json come from model.yaml. */
static void
test_metadata_fallback (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *dir = make_legacy_run (f);
  g_autoptr(RbRun) run = NULL;

  put (dir, "model/metadata.json", "{\"schemaVersion\": 1, \"parameters\": {\"bins\": 4}}");
  put (dir, "model/model.yaml",
       "mode: Telemetry\nmetadata:\n  id: from-yaml\n  title: From YAML\n  version: 2.0.0\n");
  run = rb_run_load (dir, LEGACY_ID);
  g_assert_null (rb_run_get_diagnostic (run));
  g_assert_cmpstr (rb_run_get_template_id (run), ==, "from-yaml");
  g_assert_cmpstr (rb_run_get_template_title (run), ==, "From YAML");
  g_assert_cmpstr (rb_run_get_template_version (run), ==, "2.0.0");
  g_assert_cmpstr (rb_run_get_mode (run), ==, "telemetry");
  g_assert_cmpint (json_object_get_int_member (rb_run_get_parameters (run), "bins"), ==, 4);
}

/* A malformed model.yaml: the summary is fine (listing never reads it);
 * the detail is served with an empty topology, no replay, and the
 * diagnostic naming the file — but it is not a load error. */
static void
test_malformed_model_yaml (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *dir = make_current_run (f);
  g_autoptr(RbRun) run = NULL;

  put (dir, "model/model.yaml", "topology:\n  nodes: [\n    - id: a\n");
  run = rb_run_load (dir, CURRENT_ID);
  g_assert_null (rb_run_get_diagnostic (run));
  rb_run_ensure_detail (run);
  g_assert_null (rb_run_get_load_error (run));
  g_assert_true (g_str_has_prefix (rb_run_get_diagnostic (run), "model/model.yaml is not valid YAML"));
  g_assert_cmpuint (rb_run_get_topology (run)->len, ==, 0);
  g_assert_false (rb_run_get_can_replay (run));
  g_assert_cmpuint (rb_run_get_series (run)->len, ==, 3);
}

static void
test_created_from_id (Fixture       *f,
                      gconstpointer  data)
{
  static const struct {
    const char *id;
    const char *created;
  } cases[] = {
    { "run_20251023T064510Z_4e7f9c1f", "2025-10-23T06:45:10.000000Z" },
    { "run_20251323T064510Z_4e7f9c1f", NULL },     /* month 13 */
    { "run_20251023T064510_4e7f9c1f", NULL },      /* no Z */
    { "run_deterministic_05411a41", NULL },
    { "plain", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = g_build_filename (f->data_dir, "runs", cases[i].id, NULL);
      g_autoptr(RbRun) run = NULL;

      put (dir, "run.json", "{\"schemaVersion\": 1, \"createdUtc\": \"not a time\"}");
      run = rb_run_load (dir, cases[i].id);
      g_assert_cmpstr (rb_run_get_created_utc (run), ==, cases[i].created);
    }

  /* An offset is normalised to UTC with Z. */
  {
    g_autofree char *dir = g_build_filename (f->data_dir, "runs", "offset", NULL);
    g_autoptr(RbRun) run = NULL;

    put (dir, "run.json", "{\"createdUtc\": \"2025-10-23T08:45:10.5+02:00\"}");
    run = rb_run_load (dir, "offset");
    g_assert_cmpstr (rb_run_get_created_utc (run), ==, "2025-10-23T06:45:10.500000Z");
  }
}

/* }}} */

/* Telemetry state {{{ */

static void
write_bundle (const char *bundle,
              const char *source_run_id,
              const char *generated,
              guint       n_warnings)
{
  GString *manifest = g_string_new ("{\"schemaVersion\": 2, \"files\": [{\"nodeId\": \"A\"}], \"warnings\": [");
  g_autofree char *autocapture = NULL;

  for (guint i = 0; i < n_warnings; i++)
    g_string_append_printf (manifest, "%s{\"code\": \"nan_detected\", \"message\": \"m\"}", i ? ", " : "");
  g_string_append (manifest, "]}\n");
  put (bundle, "manifest.json", manifest->str);
  g_string_free (manifest, TRUE);
  autocapture = g_strdup_printf ("{\"sourceRunId\": \"%s\", \"generatedAtUtc\": \"%s\"}\n",
                                 source_run_id, generated);
  put (bundle, "autocapture.json", autocapture);
}

static void
write_capture_ref (const char *run_dir,
                   const char *target,
                   const char *capture_key,
                   const char *generated)
{
  g_autofree char *json = NULL;
  g_autofree char *key = capture_key != NULL ? g_strdup_printf ("\"%s\"", capture_key) : g_strdup ("null");

  json = g_strdup_printf ("{\"target\": \"%s\", \"captureKey\": %s, \"generatedAtUtc\": \"%s\"}\n",
                          target, key, generated);
  put (run_dir, "model/telemetry/capture-ref.json", json);
}

static RbRun *
load_run (Fixture    *f,
          const char *run_id)
{
  g_autofree char *dir = g_build_filename (f->data_dir, "runs", run_id, NULL);

  return rb_run_load (dir, run_id);
}

static void
make_minimal_run (Fixture    *f,
                  const char *run_id)
{
  g_autofree char *dir = g_build_filename (f->data_dir, "runs", run_id, NULL);
  g_autofree char *json = g_strdup_printf ("{\"runId\": \"%s\"}", run_id);

  put (dir, "run.json", json);
  put (dir, "model/metadata.json", "{\"templateId\": \"t\"}");
}

static void
test_telemetry_key (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *run_a = g_build_filename (f->data_dir, "runs", "run-a", NULL);
  g_autofree char *run_b = g_build_filename (f->data_dir, "runs", "run-b", NULL);
  g_autofree char *bundle = g_build_filename (f->data_dir, "telemetry", "shared-key", NULL);

  make_minimal_run (f, "run-a");
  make_minimal_run (f, "run-b");
  write_bundle (bundle, "run-a", "2026-01-01T00:00:00.000000Z", 2);
  write_capture_ref (run_a, "key", "shared-key", "2026-01-01T00:00:00.000000Z");
  {
    g_autoptr(RbRun) run = load_run (f, "run-a");
    const RbTelemetrySummary *t = rb_run_get_telemetry (run);

    g_assert_true (t->available);
    g_assert_cmpstr (t->generated_at_utc, ==, "2026-01-01T00:00:00.000000Z");
    g_assert_cmpuint (t->warning_count, ==, 2);
    g_assert_cmpstr (t->source_run_id, ==, "run-a");
    g_assert_cmpstr (t->capture_key, ==, "shared-key");
  }

  /* run-b overwrites the shared key: run-a truthfully turns unavailable. */
  write_bundle (bundle, "run-b", "2026-01-02T00:00:00.000000Z", 0);
  write_capture_ref (run_b, "key", "shared-key", "2026-01-02T00:00:00.000000Z");
  {
    g_autoptr(RbRun) a = load_run (f, "run-a");
    g_autoptr(RbRun) b = load_run (f, "run-b");
    g_autofree char *summary = to_text (rb_run_to_summary_json (a));

    g_assert_false (rb_run_get_telemetry (a)->available);
    g_assert_nonnull (strstr (summary,
                              "  \"telemetry\": {\n"
                              "    \"available\": false,\n"
                              "    \"generatedAtUtc\": null,\n"
                              "    \"warningCount\": 0,\n"
                              "    \"sourceRunId\": null,\n"
                              "    \"captureKey\": null\n"
                              "  },\n"));
    g_assert_true (rb_run_get_telemetry (b)->available);
    g_assert_cmpstr (rb_run_get_telemetry (b)->source_run_id, ==, "run-b");
  }

  /* Same run, regenerated later (another generatedAtUtc): stale ref. */
  write_capture_ref (run_b, "key", "shared-key", "2026-01-01T12:00:00.000000Z");
  {
    g_autoptr(RbRun) b = load_run (f, "run-b");

    g_assert_false (rb_run_get_telemetry (b)->available);
  }

  /* The same instant written differently still matches. */
  write_capture_ref (run_b, "key", "shared-key", "2026-01-02T00:00:00Z");
  {
    g_autoptr(RbRun) b = load_run (f, "run-b");

    g_assert_true (rb_run_get_telemetry (b)->available);
    g_assert_cmpstr (rb_run_get_telemetry (b)->generated_at_utc, ==, "2026-01-02T00:00:00Z");
  }

  /* A key that is not a valid id never reaches a path. */
  write_bundle (f->data_dir, "run-b", "2026-01-02T00:00:00.000000Z", 0);
  write_capture_ref (run_b, "key", "..", "2026-01-02T00:00:00.000000Z");
  {
    g_autoptr(RbRun) b = load_run (f, "run-b");

    g_assert_false (rb_run_get_telemetry (b)->available);
  }
  write_capture_ref (run_b, "key", "../telemetry/shared-key", "2026-01-02T00:00:00.000000Z");
  {
    g_autoptr(RbRun) b = load_run (f, "run-b");

    g_assert_false (rb_run_get_telemetry (b)->available);
  }

  /* Bundle deleted. */
  rb_test_remove_tree (bundle);
  write_capture_ref (run_b, "key", "shared-key", "2026-01-02T00:00:00.000000Z");
  {
    g_autoptr(RbRun) b = load_run (f, "run-b");

    g_assert_false (rb_run_get_telemetry (b)->available);
  }
}

static void
test_telemetry_run_and_directory (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *run_dir = g_build_filename (f->data_dir, "runs", "run-c", NULL);
  g_autofree char *bundle = g_build_filename (run_dir, "model", "telemetry", NULL);

  make_minimal_run (f, "run-c");
  write_bundle (bundle, "run-c", "2026-02-01T00:00:00.000000Z", 1);
  write_capture_ref (run_dir, "run", NULL, "2026-02-01T00:00:00.000000Z");
  {
    g_autoptr(RbRun) run = load_run (f, "run-c");
    const RbTelemetrySummary *t = rb_run_get_telemetry (run);

    g_assert_true (t->available);
    g_assert_cmpuint (t->warning_count, ==, 1);
    g_assert_null (t->capture_key);
  }

  /* A bundle naming another run (copied folder) does not count. */
  write_bundle (bundle, "someone-else", "2026-02-01T00:00:00.000000Z", 1);
  {
    g_autoptr(RbRun) run = load_run (f, "run-c");

    g_assert_false (rb_run_get_telemetry (run)->available);
  }

  /* Directory exports never make a run available, even with a
   * telemetry-manifest.json listing files (the ref decides). */
  write_bundle (bundle, "run-c", "2026-02-01T00:00:00.000000Z", 1);
  put (run_dir, "model/telemetry/telemetry-manifest.json", "{\"files\": [{}], \"warnings\": []}");
  write_capture_ref (run_dir, "directory", NULL, "2026-02-01T00:00:00.000000Z");
  {
    g_autoptr(RbRun) run = load_run (f, "run-c");

    g_assert_false (rb_run_get_telemetry (run)->available);
  }

  /* Unknown target, malformed ref: unavailable, and no diagnostic. */
  write_capture_ref (run_dir, "somewhere", NULL, "2026-02-01T00:00:00.000000Z");
  {
    g_autoptr(RbRun) run = load_run (f, "run-c");

    g_assert_false (rb_run_get_telemetry (run)->available);
  }
  put (run_dir, "model/telemetry/capture-ref.json", "{");
  {
    g_autoptr(RbRun) run = load_run (f, "run-c");

    g_assert_false (rb_run_get_telemetry (run)->available);
    g_assert_null (rb_run_get_diagnostic (run));
  }
}

/* FlowTime's rule for runs without capture-ref.json. */
static void
test_telemetry_flowtime_rule (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *run_dir = g_build_filename (f->data_dir, "runs", "run-d", NULL);

  make_minimal_run (f, "run-d");
  put (run_dir, "model/telemetry/telemetry-manifest.json",
       "{\"files\": [], \"warnings\": [{\"code\": \"w\", \"message\": \"m\"}],"
       " \"provenance\": {\"runId\": \"run-d\", \"capturedAtUtc\": \"2025-10-01T00:00:00Z\"}}");
  {
    g_autoptr(RbRun) run = load_run (f, "run-d");

    g_assert_false (rb_run_get_telemetry (run)->available);
    g_assert_cmpuint (rb_run_get_telemetry (run)->warning_count, ==, 0);
  }

  /* Files listed: available, times from the manifest provenance... */
  put (run_dir, "model/telemetry/telemetry-manifest.json",
       "{\"files\": [{\"nodeId\": \"A\"}], \"warnings\": [{\"code\": \"w\", \"message\": \"m\"}],"
       " \"provenance\": {\"runId\": \"run-d\", \"capturedAtUtc\": \"2025-10-01T00:00:00Z\"}}");
  {
    g_autoptr(RbRun) run = load_run (f, "run-d");
    const RbTelemetrySummary *t = rb_run_get_telemetry (run);

    g_assert_true (t->available);
    g_assert_cmpstr (t->generated_at_utc, ==, "2025-10-01T00:00:00Z");
    g_assert_cmpstr (t->source_run_id, ==, "run-d");
    g_assert_cmpuint (t->warning_count, ==, 1);
    g_assert_null (t->capture_key);
  }

  /* ...or from autocapture.json when there is one. */
  put (run_dir, "model/telemetry/autocapture.json",
       "{\"captureKey\": \"k\", \"sourceRunId\": \"run-x\", \"generatedAtUtc\": \"2025-10-01T00:00:01Z\"}");
  {
    g_autoptr(RbRun) run = load_run (f, "run-d");
    const RbTelemetrySummary *t = rb_run_get_telemetry (run);

    g_assert_true (t->available);
    g_assert_cmpstr (t->generated_at_utc, ==, "2025-10-01T00:00:01Z");
    g_assert_cmpstr (t->source_run_id, ==, "run-x");
    g_assert_null (t->capture_key);
  }
}

/* FlowTime's two real bundles, as run-scoped bundles of a fixture run
 * (the TT-M-03.17 layout: telemetry-manifest.json = the manifest). */
static void
test_telemetry_real_bundles (Fixture       *f,
                             gconstpointer  data)
{
  static const struct {
    const char *bundle;
    const char *generated;
    const char *source;
  } cases[] = {
    /* autocapture.json present: its generatedAtUtc and sourceRunId. */
    { "capture-69efc07b211e44e1a09cf1520434dd3f", "2025-10-22T12:52:05.1697119Z", "run_deterministic_05411a41" },
    /* hand-written legacy bundle without autocapture.json: the manifest's provenance. */
    { "it-system-telemetry", "2025-10-15T00:00:00Z", "time_travel_demo" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *src = rb_test_flowtime_path ("bundles", cases[i].bundle, NULL);
      g_autofree char *run_dir = NULL;
      g_autofree char *telemetry = NULL;
      g_autofree char *manifest = NULL;
      g_autofree char *manifest_copy = NULL;
      g_autoptr(RbRun) run = NULL;
      const RbTelemetrySummary *t;

      if (src == NULL)
        return;
      rb_test_remove_tree (f->data_dir);
      run_dir = make_legacy_run (f);
      telemetry = g_build_filename (run_dir, "model", "telemetry", NULL);
      rb_test_remove_tree (telemetry);
      rb_test_copy_tree (src, telemetry);
      manifest = g_build_filename (telemetry, "manifest.json", NULL);
      manifest_copy = g_build_filename (telemetry, "telemetry-manifest.json", NULL);
      rb_test_copy_tree (manifest, manifest_copy);

      run = rb_run_load (run_dir, LEGACY_ID);
      t = rb_run_get_telemetry (run);
      g_assert_null (rb_run_get_diagnostic (run));
      g_assert_true (t->available);
      g_assert_cmpstr (t->generated_at_utc, ==, cases[i].generated);
      g_assert_cmpstr (t->source_run_id, ==, cases[i].source);
      g_assert_cmpuint (t->warning_count, ==, 0);
      g_assert_null (t->capture_key);

      /* The same bundle as a shared key with our capture-ref: only the one
       * whose autocapture.json names this run counts. */
      {
        g_autofree char *key_dir = g_build_filename (f->data_dir, "telemetry", cases[i].bundle, NULL);
        g_autoptr(RbRun) keyed = NULL;

        rb_test_copy_tree (src, key_dir);
        write_capture_ref (run_dir, "key", cases[i].bundle, cases[i].generated);
        keyed = rb_run_load (run_dir, LEGACY_ID);
        g_assert_cmpint (rb_run_get_telemetry (keyed)->available, ==, i == 0);
        if (i == 0)
          g_assert_cmpstr (rb_run_get_telemetry (keyed)->capture_key, ==, cases[i].bundle);
      }
    }
}

/* }}} */

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/run/metrics", test_metrics);
  g_test_add ("/run/current", Fixture, NULL, fixture_setup, test_current_run, fixture_teardown);
  g_test_add ("/run/legacy-2025-10", Fixture, NULL, fixture_setup, test_legacy_run, fixture_teardown);
  g_test_add ("/run/json/round-trip", Fixture, NULL, fixture_setup, test_json_round_trip, fixture_teardown);
  g_test_add_func ("/run/json/errors", test_json_errors);
  g_test_add_func ("/run/json/diagnostic", test_json_diagnostic);
  g_test_add ("/run/broken/malformed-run-json", Fixture, NULL, fixture_setup, test_malformed_run_json, fixture_teardown);
  g_test_add ("/run/broken/missing-files", Fixture, NULL, fixture_setup, test_missing_files, fixture_teardown);
  g_test_add ("/run/broken/malformed-model-yaml", Fixture, NULL, fixture_setup, test_malformed_model_yaml, fixture_teardown);
  g_test_add ("/run/no-model-dir", Fixture, NULL, fixture_setup, test_no_model_dir, fixture_teardown);
  g_test_add ("/run/metadata-fallback", Fixture, NULL, fixture_setup, test_metadata_fallback, fixture_teardown);
  g_test_add ("/run/created-from-id", Fixture, NULL, fixture_setup, test_created_from_id, fixture_teardown);
  g_test_add ("/run/telemetry/key", Fixture, NULL, fixture_setup, test_telemetry_key, fixture_teardown);
  g_test_add ("/run/telemetry/run-and-directory", Fixture, NULL, fixture_setup, test_telemetry_run_and_directory, fixture_teardown);
  g_test_add ("/run/telemetry/flowtime-rule", Fixture, NULL, fixture_setup, test_telemetry_flowtime_rule, fixture_teardown);
  g_test_add ("/run/telemetry/real-bundles", Fixture, NULL, fixture_setup, test_telemetry_real_bundles, fixture_teardown);

  return g_test_run ();
}
