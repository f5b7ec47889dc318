/* rb-test-runs.c — small run folders written by the CLI and server tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "rb-test-runs.h"
#include "rb-test-util.h"

static void
write_in (const char *run_dir,
          const char *name,
          const char *contents)
{
  g_autofree char *path = g_build_filename (run_dir, name, NULL);

  rb_test_write_file (path, contents, -1);
}

static char *
fake_hash (const char *seed)
{
  g_autofree char *hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, seed, -1);

  return g_strconcat ("sha256:", hex, NULL);
}

static char *
warnings_json (guint n_warnings)
{
  g_autoptr(GString) text = g_string_new ("[");

  for (guint i = 0; i < n_warnings; i++)
    g_string_append_printf (text,
                            "%s\n    {\"code\": \"nan_detected\", \"message\": \"Series served has NaN values.\", "
                            "\"nodeId\": \"served\", \"bins\": [%u]}",
                            i > 0 ? "," : "", i + 1);
  g_string_append (text, n_warnings > 0 ? "\n  ]" : "]");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char model_yaml[] =
  "schemaVersion: 1\n"
  "grid:\n"
  "  bins: 4\n"
  "  binSize: 1\n"
  "  binUnit: hours\n"
  "topology:\n"
  "  nodes:\n"
  "    - id: Picker\n"
  "      kind: service\n"
  "      semantics:\n"
  "        arrivals: arrivals\n"
  "        served: served\n"
  "  edges: []\n"
  "nodes:\n"
  "  - id: arrivals\n"
  "    kind: const\n"
  "    values: [10, 10, 10, 10]\n"
  "  - id: served\n"
  "    kind: const\n"
  "    values: [8, 9, 9, 10]\n"
  "outputs:\n"
  "  - series: arrivals\n"
  "  - series: served\n";

void
rb_test_runs_write (const char          *data_dir,
                    const RbTestRunSpec *spec)
{
  g_autofree char *run_dir = g_build_filename (data_dir, "runs", spec->run_id, NULL);

  rb_test_runs_write_at (run_dir, spec);
}

void
rb_test_runs_write_at (const char          *run_dir,
                       const RbTestRunSpec *spec)
{
  g_autofree char *input_hash = fake_hash (spec->run_id);
  g_autofree char *model_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, model_yaml, -1);
  g_autofree char *scenario_hash = fake_hash (spec->template_id);
  g_autofree char *series_hash_a = fake_hash ("arrivals");
  g_autofree char *series_hash_s = fake_hash ("served");
  g_autofree char *warnings = warnings_json (spec->n_warnings);
  g_autofree char *run_json = NULL;
  g_autofree char *manifest_json = NULL;
  g_autofree char *metadata_json = NULL;
  g_autofree char *provenance_json = NULL;
  g_autofree char *index_json = NULL;

  run_json = g_strdup_printf (
    "{\n"
    "  \"schemaVersion\": 1,\n"
    "  \"runId\": \"%s\",\n"
    "  \"engineVersion\": \"runboard-0.1.0\",\n"
    "  \"source\": \"engine\",\n"
    "  \"inputHash\": \"%s\",\n"
    "  \"grid\": {\"bins\": 4, \"binSize\": 1, \"binUnit\": \"hours\", \"timezone\": \"UTC\", \"align\": \"left\"},\n"
    "  \"modelHash\": \"sha256:%s\",\n"
    "  \"scenarioHash\": \"%s\",\n"
    "  \"createdUtc\": \"%s\",\n"
    "  \"warnings\": %s,\n"
    "  \"series\": [\n"
    "    {\"id\": \"arrivals@ARRIVALS@DEFAULT\", \"path\": \"series/arrivals@ARRIVALS@DEFAULT.csv\", \"unit\": \"entities/bin\"},\n"
    "    {\"id\": \"served@SERVED@DEFAULT\", \"path\": \"series/served@SERVED@DEFAULT.csv\", \"unit\": \"entities/bin\"}\n"
    "  ]\n"
    "}\n",
    spec->run_id, input_hash, model_hash, scenario_hash, spec->created_utc, warnings);

  manifest_json = g_strdup_printf (
    "{\n"
    "  \"schemaVersion\": 1,\n"
    "  \"scenarioHash\": \"%s\",\n"
    "  \"modelHash\": \"sha256:%s\",\n"
    "  \"rng\": {\"kind\": \"pcg32\", \"seed\": %" G_GINT64_FORMAT "},\n"
    "  \"seriesHashes\": {\"arrivals@ARRIVALS@DEFAULT\": \"%s\", \"served@SERVED@DEFAULT\": \"%s\"},\n"
    "  \"eventCount\": 0,\n"
    "  \"createdUtc\": \"%s\",\n"
    "  \"provenance\": {\"hasProvenance\": true, \"modelId\": \"model-%s\", \"templateId\": \"%s\", \"inputHash\": \"%s\"}\n"
    "}\n",
    scenario_hash, model_hash, spec->seed, series_hash_a, series_hash_s, spec->created_utc,
    spec->template_id, spec->template_id, input_hash);

  metadata_json = g_strdup_printf (
    "{\n"
    "  \"schemaVersion\": 1,\n"
    "  \"templateId\": \"%s\",\n"
    "  \"templateTitle\": \"%s\",\n"
    "  \"templateVersion\": \"1.0.0\",\n"
    "  \"mode\": \"%s\",\n"
    "  \"modelHash\": \"sha256:%s\",\n"
    "  \"source\": \"runboard\",\n"
    "  \"generator\": \"runboard-0.1.0\",\n"
    "  \"modelId\": \"model-%s\",\n"
    "  \"generatedAtUtc\": \"%s\",\n"
    "  \"receivedAtUtc\": \"%s\",\n"
    "  \"parameters\": {\"waveCapacity\": 100, \"label\": \"north\"}\n"
    "}\n",
    spec->template_id, spec->template_title, spec->mode, model_hash, spec->template_id,
    spec->created_utc, spec->created_utc);

  provenance_json = g_strdup_printf (
    "{\n"
    "  \"source\": \"runboard\",\n"
    "  \"modelId\": \"model-%s\",\n"
    "  \"templateId\": \"%s\",\n"
    "  \"templateVersion\": \"1.0.0\",\n"
    "  \"templateTitle\": \"%s\",\n"
    "  \"mode\": \"%s\",\n"
    "  \"parameters\": {\"waveCapacity\": 100},\n"
    "  \"inputHash\": \"%s\",\n"
    "  \"rng\": {\"kind\": \"pcg32\", \"seed\": %" G_GINT64_FORMAT "},\n"
    "  \"generatedAt\": \"%s\",\n"
    "  \"generator\": \"runboard-0.1.0\"\n"
    "}\n",
    spec->template_id, spec->template_id, spec->template_title, spec->mode, input_hash,
    spec->seed, spec->created_utc);

  index_json = g_strdup_printf (
    "{\n"
    "  \"schemaVersion\": 1,\n"
    "  \"grid\": {\"bins\": 4, \"binSize\": 1, \"binUnit\": \"hours\", \"timezone\": \"UTC\"},\n"
    "  \"series\": [\n"
    "    {\"id\": \"arrivals@ARRIVALS@DEFAULT\", \"kind\": \"flow\", \"path\": \"series/arrivals@ARRIVALS@DEFAULT.csv\", "
    "\"unit\": \"entities/bin\", \"componentId\": \"ARRIVALS\", \"class\": \"DEFAULT\", \"points\": 4, \"hash\": \"%s\"},\n"
    "    {\"id\": \"served@SERVED@DEFAULT\", \"kind\": \"flow\", \"path\": \"series/served@SERVED@DEFAULT.csv\", "
    "\"unit\": \"entities/bin\", \"componentId\": \"SERVED\", \"class\": \"DEFAULT\", \"points\": 4, \"hash\": \"%s\"}\n"
    "  ]\n"
    "}\n",
    series_hash_a, series_hash_s);

  write_in (run_dir, "run.json", run_json);
  write_in (run_dir, "manifest.json", manifest_json);
  write_in (run_dir, "spec.yaml", model_yaml);
  write_in (run_dir, "model/model.yaml", model_yaml);
  write_in (run_dir, "model/metadata.json", metadata_json);
  write_in (run_dir, "model/provenance.json", provenance_json);
  write_in (run_dir, "series/index.json", index_json);
  write_in (run_dir, "series/arrivals@ARRIVALS@DEFAULT.csv", "bin_index,value\n0,10\n1,10\n2,10\n3,10\n");
  write_in (run_dir, "series/served@SERVED@DEFAULT.csv", "bin_index,value\n0,8\n1,9\n2,9\n3,10\n");
}

void
rb_test_runs_write_broken (const char *data_dir,
                           const char *run_id)
{
  g_autofree char *run_dir = g_build_filename (data_dir, "runs", run_id, NULL);

  write_in (run_dir, "run.json", "{\n  \"schemaVersion\": 1,\n  \"runId\": oops\n}\n");
  write_in (run_dir, "model/model.yaml", model_yaml);
}

char *
rb_test_runs_make_data_dir (char **data_dir)
{
  static const RbTestRunSpec specs[] = {
    { RB_TEST_RUN_WAREHOUSE, "warehouse-picker-waves", "Warehouse picker waves", "simulation",
      "2026-01-01T10:00:00Z", 0, 123 },
    { RB_TEST_RUN_CLINIC, "clinic-intake", "Clinic intake", "simulation",
      "2026-01-02T10:00:00Z", 2, 7 },
    { RB_TEST_RUN_PICKING, "warehouse-picker-waves", "Warehouse picker waves", "telemetry",
      "2026-01-03T10:00:00Z", 0, 123 },
  };
  char *tmp = rb_test_make_temp_dir ();

  *data_dir = g_build_filename (tmp, "data", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    rb_test_runs_write (*data_dir, &specs[i]);
  rb_test_runs_write_broken (*data_dir, RB_TEST_RUN_BROKEN);
  return tmp;
}
