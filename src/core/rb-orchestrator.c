/* rb-orchestrator.c — creating runs (api.md POST /v1/runs, engine.md "Runs")
 *
 * template → model → seed → (telemetry bundle, pinned) → evaluate → run
 * folder written under ".<id>.tmp-XXXXXX" in runs/, renamed into place,
 * change stamp touched. Dry runs stop before anything is written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-orchestrator"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "rb-bundle.h"
#include "rb-data-dir.h"
#include "rb-engine.h"
#include "rb-error.h"
#include "rb-fs.h"
#include "rb-hash.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-model.h"
#include "rb-orchestrator.h"
#include "rb-run-store.h"
#include "rb-run-writer.h"
#include "rb-series.h"
#include "rb-time.h"

#define DEFAULT_SEED       123
#define RNG_KIND           "pcg32"
#define STALE_TEMP_SECONDS 3600
#define MAX_MODEL_SIZE     (256 * 1024 * 1024)

struct _RbRunResult
{
  gboolean  dry_run;
  gboolean  was_reused;
  RbRun    *run;
  JsonNode *plan;
};

static GDateTime *clock_for_testing;

void
rb_orchestrator_set_clock_for_testing (GDateTime *now)
{
  g_clear_pointer (&clock_for_testing, g_date_time_unref);
  if (now != NULL)
    clock_for_testing = g_date_time_ref (now);
}

static GDateTime *
now_utc (void)
{
  if (clock_for_testing != NULL)
    return g_date_time_to_utc (clock_for_testing);
  return g_date_time_new_now_utc ();
}

/* Requests {{{ */

RbRunRequest *
rb_run_request_new (void)
{
  RbRunRequest *request = g_new0 (RbRunRequest, 1);

  request->parameters = json_object_new ();
  request->rng_kind = g_strdup (RNG_KIND);
  return request;
}

void
rb_run_request_free (RbRunRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->template_id);
  g_free (request->mode);
  g_clear_pointer (&request->parameters, json_object_unref);
  g_free (request->rng_kind);
  g_free (request->telemetry_source_run_id);
  g_free (request->telemetry_capture_key);
  g_free (request->replay_of_run_id);
  g_free (request->replay_of_kind);
  g_free (request->run_id);
  g_free (request);
}

static const char *
json_type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    default:
      return "a number";
    }
}

/* The member @name of @object, NULL when absent or JSON null. */
static JsonNode *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, name))
    return NULL;
  node = json_object_get_member (object, name);
  return JSON_NODE_HOLDS_NULL (node) ? NULL : node;
}

static gboolean
get_string (JsonObject  *object,
            const char  *name,
            const char  *field,
            const char **out,
            GError     **error)
{
  JsonNode *node = member (object, name);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, field,
                          "%s must be a string, not %s.", field, json_type_name (node));
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_bool (JsonObject  *object,
          const char  *name,
          const char  *field,
          gboolean    *out,
          GError     **error)
{
  JsonNode *node = member (object, name);

  *out = FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, field,
                          "%s must be true or false, not %s.", field, json_type_name (node));
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
get_object (JsonObject  *object,
            const char  *name,
            const char  *field,
            JsonObject **out,
            GError     **error)
{
  JsonNode *node = member (object, name);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, field,
                          "%s must be an object, not %s.", field, json_type_name (node));
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
parse_rng (RbRunRequest  *request,
           JsonObject    *rng,
           GError       **error)
{
  const char *kind;
  JsonNode *seed;

  if (!get_string (rng, "kind", "rng.kind", &kind, error))
    return FALSE;
  if (kind != NULL && strcmp (kind, RNG_KIND) != 0)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "rng.kind",
                          "rng.kind must be \"pcg32\".");
      return FALSE;
    }
  seed = member (rng, "seed");
  if (seed != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (seed) || json_node_get_value_type (seed) != G_TYPE_INT64 ||
          json_node_get_int (seed) < 0)
        {
          rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "rng.seed",
                              "rng.seed must be a non-negative integer.");
          return FALSE;
        }
      request->has_seed = TRUE;
      request->seed = json_node_get_int (seed);
    }
  return TRUE;
}

static gboolean
parse_telemetry (RbRunRequest  *request,
                 JsonObject    *telemetry,
                 GError       **error)
{
  const char *source_run_id;
  const char *capture_key;

  if (!get_string (telemetry, "sourceRunId", "telemetry.sourceRunId", &source_run_id, error) ||
      !get_string (telemetry, "captureKey", "telemetry.captureKey", &capture_key, error))
    return FALSE;
  if (source_run_id != NULL &&
      !rb_ident_validate (RB_IDENT_RUN_ID, source_run_id, -1, "telemetry.sourceRunId", error))
    return FALSE;
  if (capture_key != NULL &&
      !rb_ident_validate (RB_IDENT_CAPTURE_KEY, capture_key, -1, "telemetry.captureKey", error))
    return FALSE;
  request->telemetry_source_run_id = g_strdup (source_run_id);
  request->telemetry_capture_key = g_strdup (capture_key);
  return TRUE;
}

static gboolean
parse_replay_of (RbRunRequest  *request,
                 JsonObject    *replay_of,
                 GError       **error)
{
  const char *run_id;
  const char *kind;

  if (!get_string (replay_of, "runId", "replayOf.runId", &run_id, error) ||
      !get_string (replay_of, "kind", "replayOf.kind", &kind, error))
    return FALSE;
  if (run_id == NULL)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "replayOf.runId",
                          "replayOf.runId is required.");
      return FALSE;
    }
  if (!rb_ident_validate (RB_IDENT_RUN_ID, run_id, -1, "replayOf.runId", error))
    return FALSE;
  if (kind == NULL || (strcmp (kind, "model") != 0 && strcmp (kind, "telemetry") != 0))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "replayOf.kind",
                          "replayOf.kind must be \"model\" or \"telemetry\".");
      return FALSE;
    }
  request->replay_of_run_id = g_strdup (run_id);
  request->replay_of_kind = g_strdup (kind);
  return TRUE;
}

static gboolean
parse_options (RbRunRequest  *request,
               JsonObject    *options,
               GError       **error)
{
  const char *run_id;

  /* Unknown members (autoCapture from old clients) are ignored. */
  if (!get_bool (options, "dryRun", "options.dryRun", &request->dry_run, error) ||
      !get_bool (options, "deterministicRunId", "options.deterministicRunId",
                 &request->deterministic_run_id, error) ||
      !get_bool (options, "overwriteExisting", "options.overwriteExisting",
                 &request->overwrite_existing, error) ||
      !get_string (options, "runId", "options.runId", &run_id, error))
    return FALSE;
  if (run_id != NULL)
    {
      if (!rb_ident_validate (RB_IDENT_RUN_ID, run_id, -1, "options.runId", error))
        return FALSE;
      if (request->deterministic_run_id)
        {
          rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "options.runId",
                              "options.runId and options.deterministicRunId cannot be used together.");
          return FALSE;
        }
      request->run_id = g_strdup (run_id);
    }
  return TRUE;
}

/* Cross-member rules, shared by parsed and hand-built requests. */
static gboolean
check_request (const RbRunRequest  *request,
               GError             **error)
{
  gboolean telemetry_mode;

  if (request->mode == NULL ||
      (strcmp (request->mode, "simulation") != 0 && strcmp (request->mode, "telemetry") != 0))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "mode",
                          "mode must be \"simulation\" or \"telemetry\".");
      return FALSE;
    }
  if (request->use_stored_model)
    {
      if (request->replay_of_run_id == NULL)
        {
          rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "templateId",
                              "templateId is required.");
          return FALSE;
        }
    }
  else if (request->template_id == NULL)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "templateId",
                          "templateId is required.");
      return FALSE;
    }
  else if (!rb_ident_validate (RB_IDENT_TEMPLATE_ID, request->template_id, -1,
                               "templateId", error))
    {
      return FALSE;
    }

  telemetry_mode = strcmp (request->mode, "telemetry") == 0;
  if (telemetry_mode &&
      (request->telemetry_source_run_id == NULL) == (request->telemetry_capture_key == NULL))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "telemetry",
                          "A telemetry run needs exactly one of telemetry.sourceRunId and telemetry.captureKey.");
      return FALSE;
    }
  if (!telemetry_mode &&
      (request->telemetry_source_run_id != NULL || request->telemetry_capture_key != NULL))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "telemetry",
                          "telemetry is only used by runs in telemetry mode.");
      return FALSE;
    }
  if (request->run_id != NULL &&
      !rb_ident_validate (RB_IDENT_RUN_ID, request->run_id, -1, "options.runId", error))
    return FALSE;
  if (request->telemetry_source_run_id != NULL &&
      !rb_ident_validate (RB_IDENT_RUN_ID, request->telemetry_source_run_id, -1,
                          "telemetry.sourceRunId", error))
    return FALSE;
  if (request->telemetry_capture_key != NULL &&
      !rb_ident_validate (RB_IDENT_CAPTURE_KEY, request->telemetry_capture_key, -1,
                          "telemetry.captureKey", error))
    return FALSE;
  if (request->replay_of_run_id != NULL &&
      !rb_ident_validate (RB_IDENT_RUN_ID, request->replay_of_run_id, -1,
                          "replayOf.runId", error))
    return FALSE;
  return TRUE;
}

RbRunRequest *
rb_run_request_from_json (JsonNode  *body,
                          GError   **error)
{
  g_autoptr(RbRunRequest) request = rb_run_request_new ();
  JsonObject *root;
  JsonObject *parameters;
  JsonObject *rng;
  JsonObject *telemetry;
  JsonObject *replay_of;
  JsonObject *options;
  const char *template_id;
  const char *mode;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      g_set_error_literal (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                           "The request body must be a JSON object.");
      return NULL;
    }
  root = json_node_get_object (body);

  if (!get_string (root, "templateId", "templateId", &template_id, error) ||
      !get_string (root, "mode", "mode", &mode, error) ||
      !get_object (root, "parameters", "parameters", &parameters, error) ||
      !get_object (root, "rng", "rng", &rng, error) ||
      !get_object (root, "telemetry", "telemetry", &telemetry, error) ||
      !get_object (root, "replayOf", "replayOf", &replay_of, error) ||
      !get_object (root, "options", "options", &options, error))
    return NULL;

  if (mode == NULL)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "mode",
                          "mode is required (\"simulation\" or \"telemetry\").");
      return NULL;
    }
  request->mode = g_strdup (mode);
  request->template_id = g_strdup (template_id);
  if (parameters != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (parameters);

      for (GList *l = names; l != NULL; l = l->next)
        json_object_set_member (request->parameters, l->data,
                                json_node_copy (json_object_get_member (parameters, l->data)));
    }
  if ((rng != NULL && !parse_rng (request, rng, error)) ||
      (telemetry != NULL && !parse_telemetry (request, telemetry, error)) ||
      (replay_of != NULL && !parse_replay_of (request, replay_of, error)) ||
      (options != NULL && !parse_options (request, options, error)))
    return NULL;

  /* Extension: a replay without a template re-evaluates the stored model
   * of the source run (replayOf.runId). */
  if (template_id == NULL && request->replay_of_run_id != NULL)
    request->use_stored_model = TRUE;

  if (!check_request (request, error))
    return NULL;
  return g_steal_pointer (&request);
}

RbRunRequest *
rb_run_request_for_replay (const char  *data_dir,
                           const char  *run_id,
                           const char  *kind,
                           GError     **error)
{
  g_autoptr(RbRunStore) store = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autoptr(RbTemplateCatalog) catalog = NULL;
  g_autoptr(RbTemplate) template = NULL;
  g_autoptr(RbRunRequest) request = NULL;
  JsonObject *parameters;
  const char *template_id;

  g_return_val_if_fail (data_dir != NULL, NULL);

  if (kind == NULL || (strcmp (kind, "model") != 0 && strcmp (kind, "telemetry") != 0))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "from",
                          "A replay is \"model\" or \"telemetry\".");
      return NULL;
    }
  if (!rb_ident_validate (RB_IDENT_RUN_ID, run_id, -1, "runId", error))
    return NULL;

  store = rb_run_store_new (data_dir);
  run = rb_run_store_get (store, run_id, error);
  if (run == NULL)
    return NULL;
  rb_run_ensure_detail (run);
  if (!rb_run_get_can_replay (run))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE,
                   "Run %s cannot be replayed: its model/model.yaml or model/metadata.json is missing or unreadable.",
                   run_id);
      return NULL;
    }

  request = rb_run_request_new ();
  request->mode = g_strdup (strcmp (kind, "model") == 0 ? "simulation" : "telemetry");
  request->replay_of_run_id = g_strdup (run_id);
  request->replay_of_kind = g_strdup (kind);
  if (strcmp (kind, "telemetry") == 0)
    request->telemetry_source_run_id = g_strdup (run_id);

  parameters = rb_run_get_parameters (run);
  if (parameters != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (parameters);

      for (GList *l = names; l != NULL; l = l->next)
        json_object_set_member (request->parameters, l->data,
                                json_node_copy (json_object_get_member (parameters, l->data)));
    }
  if (rb_run_get_has_rng (run))
    {
      request->has_seed = TRUE;
      request->seed = rb_run_get_rng_seed (run);
    }

  /* The catalogue template when there is one, else the stored model. */
  template_id = rb_run_get_template_id (run);
  catalog = rb_template_catalog_new (data_dir);
  if (template_id != NULL && rb_ident_is_valid (RB_IDENT_TEMPLATE_ID, template_id))
    template = rb_template_catalog_get (catalog, template_id, NULL);
  if (template != NULL)
    {
      request->template_id = g_strdup (template_id);
    }
  else
    {
      request->use_stored_model = TRUE;
      /* The stored model is the run's own: its merged values are the
       * values it was made with. */
    }
  return g_steal_pointer (&request);
}

/* }}} */

/* Results {{{ */

void
rb_run_result_free (RbRunResult *result)
{
  if (result == NULL)
    return;
  g_clear_object (&result->run);
  g_clear_pointer (&result->plan, json_node_unref);
  g_free (result);
}

gboolean
rb_run_result_is_dry_run (RbRunResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);
  return result->dry_run;
}

gboolean
rb_run_result_was_reused (RbRunResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);
  return result->was_reused;
}

RbRun *
rb_run_result_get_run (RbRunResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->run;
}

/* The one place the POST /v1/runs body is built: it never has a "capture"
 * member, whatever the request said (run creation never generates
 * telemetry; the seed's explicit step is rb_telemetry_generate). */
JsonNode *
rb_run_result_to_json (RbRunResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  if (result->dry_run)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      rb_json_add_bool (builder, "isDryRun", TRUE);
      json_builder_set_member_name (builder, "plan");
      json_builder_add_value (builder, json_node_copy (result->plan));
      json_builder_end_object (builder);
      return json_builder_get_root (builder);
    }
  else
    {
      JsonNode *node = rb_run_to_detail_json (result->run);

      json_object_set_boolean_member (json_node_get_object (node), "wasReused",
                                      result->was_reused);
      return node;
    }
}

/* }}} */

/* Creating a run {{{ */

typedef struct
{
  /* What the run is made from */
  char         *template_id;
  char         *template_title;
  char         *template_version;
  char         *model_text;
  gsize         model_length;
  JsonObject   *merged;
  JsonObject   *request_parameters;
  RbModel      *model;
  gint64        seed;
  char         *input_hash;
  char         *run_id;

  /* Telemetry */
  char         *telemetry_capture_key;
  char         *telemetry_source_run_id;
  GHashTable   *pinned;       /* node id → const double * */
  GPtrArray    *pinned_series; /* RbSeries*, owning the pinned values */
  GPtrArray    *warnings;     /* RbWarning*, owned */
} Plan;

static void
plan_clear (Plan *plan)
{
  g_free (plan->template_id);
  g_free (plan->template_title);
  g_free (plan->template_version);
  g_free (plan->model_text);
  g_clear_pointer (&plan->merged, json_object_unref);
  g_clear_pointer (&plan->request_parameters, json_object_unref);
  g_clear_pointer (&plan->model, rb_model_free);
  g_free (plan->input_hash);
  g_free (plan->run_id);
  g_free (plan->telemetry_capture_key);
  g_free (plan->telemetry_source_run_id);
  g_clear_pointer (&plan->pinned, g_hash_table_unref);
  g_clear_pointer (&plan->pinned_series, g_ptr_array_unref);
  g_clear_pointer (&plan->warnings, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Plan, plan_clear)

static JsonObject *
object_copy (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  g_autoptr(GList) names = NULL;

  if (object == NULL)
    return copy;
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (copy, l->data,
                            json_node_copy (json_object_get_member (object, l->data)));
  return copy;
}

static char *
runs_dir_of (const char *data_dir)
{
  return g_build_filename (data_dir, "runs", NULL);
}

/* The stored model of the source run (Replay from model of a run whose
 * template is not in the catalogue). */
static gboolean
load_stored_model (const char          *data_dir,
                   const RbRunRequest  *request,
                   Plan                *plan,
                   GError             **error)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (data_dir);
  g_autoptr(RbRun) run = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  const char *data;
  gsize len;

  run = rb_run_store_get (store, request->replay_of_run_id, error);
  if (run == NULL)
    return FALSE;
  path = g_build_filename (rb_run_get_directory (run), "model", "model.yaml", NULL);
  bytes = rb_fs_read_file (path, "model/model.yaml", MAX_MODEL_SIZE, error);
  if (bytes == NULL)
    {
      if (error != NULL && *error != NULL && (*error)->code == RB_ERROR_NOT_FOUND)
        (*error)->code = RB_ERROR_RUN_UNREADABLE;
      return FALSE;
    }
  data = g_bytes_get_data (bytes, &len);
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      len -= 3;
    }
  plan->model_text = g_strndup (data, len);
  plan->model_length = len;
  plan->template_id = g_strdup (rb_run_get_template_id (run) != NULL
                                ? rb_run_get_template_id (run) : "adhoc-model");
  plan->template_title = g_strdup (rb_run_get_template_title (run));
  plan->template_version = g_strdup (rb_run_get_template_version (run));
  plan->merged = object_copy (rb_run_get_parameters (run));
  return TRUE;
}

static gboolean
load_template_model (RbTemplateCatalog   *catalog,
                     const RbRunRequest  *request,
                     Plan                *plan,
                     GError             **error)
{
  g_autoptr(RbTemplate) template = NULL;

  template = rb_template_catalog_get (catalog, request->template_id, error);
  if (template == NULL)
    return FALSE;
  plan->model_text = rb_template_instantiate (template, request->parameters, &plan->merged, error);
  if (plan->model_text == NULL)
    return FALSE;
  plan->model_length = strlen (plan->model_text);
  if (plan->merged == NULL)
    plan->merged = json_object_new ();
  plan->template_id = g_strdup (rb_template_get_id (template));
  plan->template_title = g_strdup (rb_template_get_title (template));
  plan->template_version = g_strdup (rb_template_get_version (template));
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* engine.md: compact JSON {"templateId","templateVersion","mode",
 * "parameters":{sorted},"telemetry":{…}|null,"rng":{"kind","seed"}}. */
static char *
input_hash_of (const RbRunRequest *request,
               const Plan         *plan)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) names = json_object_get_members (plan->request_parameters);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autofree char *compact = NULL;

  for (GList *l = names; l != NULL; l = l->next)
    g_ptr_array_add (sorted, l->data);
  g_ptr_array_sort (sorted, compare_strings);

  json_builder_begin_object (builder);
  rb_json_add_string (builder, "templateId", plan->template_id);
  rb_json_add_string (builder, "templateVersion", plan->template_version);
  rb_json_add_string (builder, "mode", request->mode);
  json_builder_set_member_name (builder, "parameters");
  json_builder_begin_object (builder);
  for (guint i = 0; i < sorted->len; i++)
    {
      const char *name = g_ptr_array_index (sorted, i);

      json_builder_set_member_name (builder, name);
      json_builder_add_value (builder,
                              json_node_copy (json_object_get_member (plan->request_parameters, name)));
    }
  json_builder_end_object (builder);
  if (request->telemetry_source_run_id != NULL)
    {
      json_builder_set_member_name (builder, "telemetry");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "sourceRunId", request->telemetry_source_run_id);
      json_builder_end_object (builder);
    }
  else if (request->telemetry_capture_key != NULL)
    {
      json_builder_set_member_name (builder, "telemetry");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "captureKey", request->telemetry_capture_key);
      json_builder_end_object (builder);
    }
  else
    {
      rb_json_add_null (builder, "telemetry");
    }
  json_builder_set_member_name (builder, "rng");
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "kind", RNG_KIND);
  rb_json_add_int (builder, "seed", plan->seed);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  compact = rb_json_to_compact (root);
  return rb_hash_string (compact);
}

static char *
deterministic_run_id (const char *template_id,
                      const char *input_hash)
{
  g_autofree char *lower = g_ascii_strdown (template_id, -1);
  const char *hex = g_str_has_prefix (input_hash, "sha256:") ? input_hash + 7 : input_hash;

  g_strdelimit (lower, ".", '-');
  return g_strdup_printf ("run_%s_%.16s", lower, hex);
}

static char *
timestamped_run_id (GDateTime *now)
{
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");

  return g_strdup_printf ("run_%s_%08x", stamp, g_random_int ());
}

static void
add_warning (Plan       *plan,
             const char *code,
             const char *node_id,
             char       *message)
{
  RbWarning *warning = g_new0 (RbWarning, 1);

  warning->code = g_strdup (code);
  warning->message = message;
  warning->node_id = g_strdup (node_id);
  g_ptr_array_add (plan->warnings, warning);
}

static const RbModelTopologyNode *
find_topology_node (const RbModel *model,
                    const char    *node_id)
{
  GPtrArray *topology = rb_model_get_topology (model);

  for (guint i = 0; topology != NULL && i < topology->len; i++)
    {
      const RbModelTopologyNode *node = g_ptr_array_index (topology, i);

      if (g_strcmp0 (node->id, node_id) == 0)
        return node;
    }
  return NULL;
}

static void
set_bundle_missing (GError             **error,
                    const RbRunRequest  *request)
{
  if (request->telemetry_source_run_id != NULL)
    g_set_error (error, RB_ERROR, RB_ERROR_TELEMETRY_BUNDLE_MISSING,
                 "Run %s has no telemetry bundle. Generate telemetry for it first.",
                 request->telemetry_source_run_id);
  else
    g_set_error (error, RB_ERROR, RB_ERROR_TELEMETRY_BUNDLE_MISSING,
                 "There is no telemetry bundle with capture key %s. Generate telemetry with that key first.",
                 request->telemetry_capture_key);
}

/* Where the bundle of a telemetry run is: NULL after a 404/422. */
static char *
locate_bundle (const char          *data_dir,
               const RbRunRequest  *request,
               Plan                *plan,
               GError             **error)
{
  g_autoptr(RbRunStore) store = NULL;
  g_autoptr(RbRun) source = NULL;
  const RbTelemetrySummary *telemetry;

  if (request->telemetry_capture_key != NULL)
    {
      plan->telemetry_capture_key = g_strdup (request->telemetry_capture_key);
      return g_build_filename (data_dir, "telemetry", request->telemetry_capture_key, NULL);
    }

  store = rb_run_store_new (data_dir);
  source = rb_run_store_get (store, request->telemetry_source_run_id, error);
  if (source == NULL)
    return NULL;
  telemetry = rb_run_get_telemetry (source);
  if (telemetry == NULL || !telemetry->available)
    {
      set_bundle_missing (error, request);
      return NULL;
    }
  plan->telemetry_source_run_id = g_strdup (request->telemetry_source_run_id);
  if (telemetry->capture_key != NULL)
    {
      if (!rb_ident_is_valid (RB_IDENT_CAPTURE_KEY, telemetry->capture_key))
        {
          set_bundle_missing (error, request);
          return NULL;
        }
      plan->telemetry_capture_key = g_strdup (telemetry->capture_key);
      return g_build_filename (data_dir, "telemetry", telemetry->capture_key, NULL);
    }
  return g_build_filename (rb_run_get_directory (source), "model", "telemetry", NULL);
}

static const char *
bundle_name (const RbRunRequest *request)
{
  return request->telemetry_source_run_id != NULL ? request->telemetry_source_run_id
                                                  : request->telemetry_capture_key;
}

/* Loads the bundle, checks it fits the model and pins every bound file. */
static gboolean
bind_telemetry (const char          *data_dir,
                const RbRunRequest  *request,
                Plan                *plan,
                GError             **error)
{
  g_autofree char *dir = NULL;
  g_autoptr(RbBundle) bundle = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *files;
  const char *bundle_template;

  dir = locate_bundle (data_dir, request, plan, error);
  if (dir == NULL)
    return FALSE;
  bundle = rb_bundle_load (dir, &local_error);
  if (bundle == NULL)
    {
      if (g_error_matches (local_error, RB_ERROR, RB_ERROR_NOT_FOUND))
        set_bundle_missing (error, request);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* The source run of a sourceRunId bundle is the run asked for. */
  if (plan->telemetry_source_run_id == NULL)
    plan->telemetry_source_run_id = g_strdup (rb_bundle_get_source_run_id (bundle));

  if (rb_bundle_get_bins (bundle) != rb_model_get_bins (plan->model) ||
      rb_bundle_get_bin_size (bundle) != rb_model_get_bin_size (plan->model) ||
      g_strcmp0 (rb_bundle_get_bin_unit (bundle), rb_model_get_bin_unit (plan->model)) != 0)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE,
                   "The telemetry bundle of %s has %u bins of %u %s, but the model has %u bins of %u %s.",
                   bundle_name (request),
                   rb_bundle_get_bins (bundle), rb_bundle_get_bin_size (bundle),
                   rb_bundle_get_bin_unit (bundle) != NULL ? rb_bundle_get_bin_unit (bundle) : "?",
                   rb_model_get_bins (plan->model), rb_model_get_bin_size (plan->model),
                   rb_model_get_bin_unit (plan->model));
      return FALSE;
    }
  bundle_template = rb_bundle_get_template_id (bundle);
  if (bundle_template != NULL && g_strcmp0 (bundle_template, plan->template_id) != 0)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE,
                   "The telemetry bundle of %s was captured from template %s, not %s.",
                   bundle_name (request), bundle_template, plan->template_id);
      return FALSE;
    }

  files = rb_bundle_get_files (bundle);
  for (guint i = 0; files != NULL && i < files->len; i++)
    {
      const RbBundleFile *file = g_ptr_array_index (files, i);
      const RbModelTopologyNode *node = find_topology_node (plan->model, file->node_id);
      const char *series_node = NULL;
      RbSeries *series;

      if (node != NULL && file->metric < RB_N_METRICS)
        series_node = node->metrics[file->metric];
      if (series_node == NULL || !rb_model_has_node (plan->model, series_node))
        {
          add_warning (plan, "telemetry_unbound", file->node_id,
                       g_strdup_printf ("Telemetry file %s (%s of %s) binds to no series of the model; it was not used.",
                                        file->path, rb_metric_to_name (file->metric),
                                        file->node_id));
          continue;
        }
      series = rb_bundle_read_series (bundle, file, error);
      if (series == NULL)
        return FALSE;
      if (series->n_bins != rb_model_get_bins (plan->model))
        {
          g_set_error (error, RB_ERROR, RB_ERROR_TELEMETRY_BUNDLE_INCOMPATIBLE,
                       "Telemetry file %s has %u values, but the model has %u bins.",
                       file->path, series->n_bins, rb_model_get_bins (plan->model));
          rb_series_free (series);
          return FALSE;
        }
      g_ptr_array_add (plan->pinned_series, series);
      g_hash_table_insert (plan->pinned, g_strdup (series_node), series->values);
    }
  return TRUE;
}

static JsonNode *
build_plan_json (const RbRunRequest *request,
                 const Plan         *plan,
                 GPtrArray          *files)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *parameters = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (parameters, plan->merged);
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "templateId", plan->template_id);
  rb_json_add_string (builder, "mode", request->mode);
  rb_json_add_string (builder, "runId", plan->run_id);
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_value (builder, parameters);
  rb_json_add_int (builder, "seed", plan->seed);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < files->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (files, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < plan->warnings->len; i++)
    {
      RbWarning *warning = g_ptr_array_index (plan->warnings, i);

      json_builder_begin_object (builder);
      rb_json_add_string (builder, "code", warning->code);
      rb_json_add_string (builder, "message", warning->message);
      if (warning->node_id != NULL)
        rb_json_add_string (builder, "nodeId", warning->node_id);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The run's content for the writer; @node_ids and @values are filled and
 * must outlive it. */
static void
fill_content (RbRunContent        *content,
              const RbRunRequest  *request,
              const Plan          *plan,
              GDateTime           *created,
              GPtrArray           *warnings,
              GPtrArray           *node_ids,
              GPtrArray           *values)
{
  memset (content, 0, sizeof *content);
  content->run_id = plan->run_id;
  content->model_text = plan->model_text;
  content->model_length = plan->model_length;
  content->template_id = plan->template_id;
  content->template_title = plan->template_title;
  content->template_version = plan->template_version;
  content->mode = request->mode;
  content->merged_parameters = plan->merged;
  content->request_parameters = plan->request_parameters;
  content->input_hash = plan->input_hash;
  content->rng_kind = RNG_KIND;
  content->seed = plan->seed;
  content->created = created;
  content->bins = rb_model_get_bins (plan->model);
  content->bin_size = rb_model_get_bin_size (plan->model);
  content->bin_unit = rb_model_get_bin_unit (plan->model);
  content->warnings = warnings;
  content->n_series = node_ids->len;
  content->series_node_ids = (const char * const *) node_ids->pdata;
  content->series_values = values != NULL ? (const double * const *) values->pdata : NULL;
  content->replay_of_run_id = request->replay_of_run_id;
  content->replay_of_kind = request->replay_of_kind;
  content->has_telemetry = strcmp (request->mode, "telemetry") == 0;
  content->telemetry_capture_key = plan->telemetry_capture_key;
  content->telemetry_source_run_id = plan->telemetry_source_run_id;
}

/* runs/.<id>.lock, held from the existence check to the rename. */
static int
lock_run (const char  *runs_dir,
          const char  *run_id,
          GError     **error)
{
  g_autofree char *name = g_strdup_printf (".%s.lock", run_id);
  g_autofree char *path = g_build_filename (runs_dir, name, NULL);
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                   "Could not lock run %s: %s", run_id, g_strerror (saved));
      return -1;
    }
  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno != EINTR)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                       "Could not lock run %s: %s", run_id, g_strerror (saved));
          return -1;
        }
    }
  return fd;
}

static RbRun *
load_created_run (const char *data_dir,
                  const char *run_id)
{
  g_autofree char *runs_dir = runs_dir_of (data_dir);
  g_autofree char *dir = g_build_filename (runs_dir, run_id, NULL);
  RbRun *run = rb_run_load_in (data_dir, dir, run_id);

  rb_run_ensure_detail (run);
  return run;
}

/* Evaluates and writes the run, then publishes it under its id. */
static RbRun *
write_run (const char          *data_dir,
           const RbRunRequest  *request,
           Plan                *plan,
           GDateTime           *created,
           RbRunPublishMode     publish_mode,
           GCancellable        *cancellable,
           GError             **error)
{
  g_autoptr(RbEvaluation) evaluation = NULL;
  g_autoptr(GPtrArray) output_ids = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new ();
  g_autofree char *runs_dir = runs_dir_of (data_dir);
  g_autofree char *temp_name = NULL;
  g_autofree char *temp_dir = NULL;
  GPtrArray *engine_warnings;
  RbRunContent content;
  gboolean ok;

  evaluation = rb_engine_evaluate (plan->model, plan->pinned, cancellable, error);
  if (evaluation == NULL)
    return NULL;

  engine_warnings = rb_evaluation_get_warnings (evaluation);
  for (guint i = 0; engine_warnings != NULL && i < engine_warnings->len; i++)
    g_ptr_array_add (warnings, g_ptr_array_index (engine_warnings, i));
  for (guint i = 0; i < plan->warnings->len; i++)
    g_ptr_array_add (warnings, g_ptr_array_index (plan->warnings, i));

  output_ids = rb_model_get_output_ids (plan->model);
  for (guint i = 0; i < output_ids->len; i++)
    {
      const char *id = g_ptr_array_index (output_ids, i);
      const double *series = rb_evaluation_get_series (evaluation, id);

      if (series == NULL)
        {
          g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                       "The model has no series for output %s.", id);
          return NULL;
        }
      g_ptr_array_add (values, (gpointer) series);
    }

  fill_content (&content, request, plan, created, warnings, output_ids, values);

  temp_name = g_strdup_printf (".%s.tmp-XXXXXX", plan->run_id);
  temp_dir = g_build_filename (runs_dir, temp_name, NULL);
  if (g_mkdtemp_full (temp_dir, 0755) == NULL)
    {
      int saved = errno;

      g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                   "Could not create a folder for run %s: %s", plan->run_id, g_strerror (saved));
      return NULL;
    }
  ok = rb_run_writer_write (temp_dir, &content, cancellable, error) &&
       rb_run_writer_publish (runs_dir, temp_dir, plan->run_id, publish_mode, error);
  if (!ok)
    {
      rb_run_writer_remove_tree (temp_dir);
      return NULL;
    }
  return load_created_run (data_dir, plan->run_id);
}

static gboolean
run_exists (const char *runs_dir,
            const char *run_id)
{
  g_autofree char *path = g_build_filename (runs_dir, run_id, NULL);

  return g_file_test (path, G_FILE_TEST_IS_DIR);
}

RbRunResult *
rb_orchestrator_create_run (const char          *data_dir,
                            RbTemplateCatalog   *catalog,
                            const RbRunRequest  *request,
                            GCancellable        *cancellable,
                            GError             **error)
{
  g_auto(Plan) plan = { 0 };
  g_autoptr(RbRunResult) result = NULL;
  g_autoptr(GDateTime) now = now_utc ();
  g_autofree char *runs_dir = NULL;
  RbRunPublishMode publish_mode = RB_RUN_PUBLISH_NEW;
  gint64 model_seed;
  int lock_fd = -1;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (request->use_stored_model || RB_IS_TEMPLATE_CATALOG (catalog), NULL);

  if (!check_request (request, error))
    return NULL;

  plan.pinned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  plan.pinned_series = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_series_free);
  plan.warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_warning_free);

  /* 1. The model. */
  if (request->use_stored_model)
    {
      if (!load_stored_model (data_dir, request, &plan, error))
        return NULL;
      plan.request_parameters = object_copy (request->parameters);
    }
  else
    {
      if (!load_template_model (catalog, request, &plan, error))
        return NULL;
      plan.request_parameters = object_copy (request->parameters);
    }
  plan.model = rb_model_parse (plan.model_text, plan.model_length, "model.yaml", error);
  if (plan.model == NULL)
    return NULL;

  /* 2. Seed: request › the model's rng.seed › 123. */
  if (request->has_seed)
    plan.seed = request->seed;
  else if (rb_model_get_rng_seed (plan.model, &model_seed))
    plan.seed = model_seed;
  else
    plan.seed = DEFAULT_SEED;

  plan.input_hash = input_hash_of (request, &plan);

  /* 3. The id. */
  if (request->run_id != NULL)
    plan.run_id = g_strdup (request->run_id);
  else if (request->deterministic_run_id)
    plan.run_id = deterministic_run_id (plan.template_id, plan.input_hash);
  else
    plan.run_id = timestamped_run_id (now);
  if (!rb_ident_validate (RB_IDENT_RUN_ID, plan.run_id, -1, "options.runId", error))
    return NULL;

  /* 4. Telemetry: the bundle's series pinned over those they bind to. */
  if (strcmp (request->mode, "telemetry") == 0 &&
      !bind_telemetry (data_dir, request, &plan, error))
    return NULL;

  result = g_new0 (RbRunResult, 1);

  /* 5. A dry run stops here: it never writes and never returns a run. */
  if (request->dry_run)
    {
      g_autoptr(GPtrArray) output_ids = rb_model_get_output_ids (plan.model);
      g_autoptr(GPtrArray) files = NULL;
      RbRunContent content;

      fill_content (&content, request, &plan, now, NULL, output_ids, NULL);
      files = rb_run_writer_list_files (&content);
      result->dry_run = TRUE;
      result->plan = build_plan_json (request, &plan, files);
      return g_steal_pointer (&result);
    }

  if (!rb_data_dir_ensure (data_dir, error))
    return NULL;
  runs_dir = runs_dir_of (data_dir);
  rb_run_writer_sweep_stale (runs_dir, STALE_TEMP_SECONDS);

  if (request->run_id == NULL && !request->deterministic_run_id)
    {
      /* A timestamped id that is taken (same second): draw again. */
      for (int attempt = 0; attempt < 16 && run_exists (runs_dir, plan.run_id); attempt++)
        {
          g_free (plan.run_id);
          plan.run_id = timestamped_run_id (now);
        }
    }

  lock_fd = lock_run (runs_dir, plan.run_id, error);
  if (lock_fd < 0)
    return NULL;

  if (run_exists (runs_dir, plan.run_id))
    {
      if (request->overwrite_existing)
        {
          publish_mode = RB_RUN_PUBLISH_REPLACE;
        }
      else if (request->deterministic_run_id)
        {
          g_autoptr(RbRun) existing = load_created_run (data_dir, plan.run_id);

          if (rb_run_get_diagnostic (existing) == NULL &&
              g_strcmp0 (rb_run_get_input_hash (existing), plan.input_hash) == 0)
            {
              result->was_reused = TRUE;
              result->run = g_steal_pointer (&existing);
              close (lock_fd);
              return g_steal_pointer (&result);
            }
          rb_set_error_field (error, RB_ERROR_ALREADY_EXISTS, "options.deterministicRunId",
                              "Run %s already exists with other inputs. Set overwriteExisting to replace it.",
                              plan.run_id);
          close (lock_fd);
          return NULL;
        }
      else
        {
          rb_set_error_field (error, RB_ERROR_ALREADY_EXISTS, "options.runId",
                              "Run %s already exists. Set overwriteExisting to replace it.",
                              plan.run_id);
          close (lock_fd);
          return NULL;
        }
    }

  result->run = write_run (data_dir, request, &plan, now, publish_mode, cancellable, error);
  close (lock_fd);
  if (result->run == NULL)
    return NULL;

  /* Every client watching the folder learns about the new run. */
  if (!rb_data_dir_touch_stamp (data_dir, NULL))
    g_warning ("Could not update the change stamp after creating run %s", plan.run_id);
  return g_steal_pointer (&result);
}

/* }}} */
