/* rb-cli-runs.c — runboard-cli templates list|show, run, replay
 *
 * `run` builds the POST /v1/runs body from its options and hands it to
 * rb_run_request_from_json(), so the CLI and the server validate a request
 * by the one rule in core and answer the same error bodies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-cli"

#include "config.h"

#include <string.h>

#include "rb-cli-private.h"
#include "rb-error.h"
#include "rb-fs.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-orchestrator.h"
#include "rb-template.h"

/* A --params-file is a request body member; api.md caps bodies at 1 MiB. */
#define PARAMS_FILE_MAX_SIZE (1024 * 1024)

/*
 * templates list / show
 */

int
rb_cli_cmd_templates_list (RbCli  *cli,
                           int     argc,
                           char  **argv)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  RbBackend *backend;
  int status;

  status = rb_cli_parse_args (cli, "templates list", NULL, 0, argc, argv,
                              params, positional, NULL);
  if (status != 0)
    return status;
  if (positional->len > 0)
    return rb_cli_usage_error (_("unexpected argument '%s' for '%s'"),
                               (const char *) g_ptr_array_index (positional, 0), "templates list");

  backend = rb_cli_get_backend (cli);
  rb_backend_list_templates_async (backend, NULL, rb_cli_store_result, &result);
  templates = rb_backend_list_templates_finish (backend, rb_cli_wait (&result), &error);
  if (templates == NULL)
    return rb_cli_report_error (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonObject) object = json_object_new ();
      JsonArray *items = json_array_new ();

      /* the server's GET /v1/templates body: {"items":[TemplateSummary]} */
      for (guint i = 0; i < templates->len; i++)
        json_array_add_element (items, rb_template_to_summary_json (g_ptr_array_index (templates, i)));
      json_object_set_array_member (object, "items", items);
      json_node_set_object (body, object);
      rb_cli_print_json (body);
      return 0;
    }

  if (templates->len == 0)
    {
      g_print (_("No templates.\n"));
      return 0;
    }
  for (guint i = 0; i < templates->len; i++)
    {
      RbTemplate *template = g_ptr_array_index (templates, i);

      g_print ("%s  %s (%s)\n",
               rb_cli_or_dash (rb_template_get_id (template)),
               rb_cli_or_dash (rb_template_get_title (template)),
               rb_cli_or_dash (rb_template_get_version (template)));
    }
  return 0;
}

static char *
format_json_value (JsonNode *value)
{
  g_autoptr(JsonNode) copy = NULL;

  if (value == NULL)
    return g_strdup ("-");
  copy = json_node_copy (value);
  return rb_json_to_compact (copy);
}

static void
print_template (RbTemplate *template)
{
  GPtrArray *parameters = rb_template_get_parameters (template);
  const char * const *tags = rb_template_get_tags (template);
  g_autofree char *tag_text = NULL;

  if (tags != NULL && tags[0] != NULL)
    tag_text = g_strjoinv (", ", (char **) tags);

  g_print ("%-13s%s\n", _("Template:"), rb_cli_or_dash (rb_template_get_id (template)));
  g_print ("%-13s%s\n", _("Title:"), rb_cli_or_dash (rb_template_get_title (template)));
  g_print ("%-13s%s\n", _("Version:"), rb_cli_or_dash (rb_template_get_version (template)));
  g_print ("%-13s%s\n", _("Mode:"), rb_cli_or_dash (rb_template_get_mode (template)));
  g_print ("%-13s%s\n", _("Capture key:"), rb_cli_or_dash (rb_template_get_capture_key (template)));
  g_print ("%-13s%s\n", _("Tags:"), rb_cli_or_dash (tag_text));
  g_print ("%-13s%s\n", _("Description:"), rb_cli_or_dash (rb_template_get_description (template)));

  if (parameters == NULL || parameters->len == 0)
    return;
  g_print (_("Parameters:\n"));
  for (guint i = 0; i < parameters->len; i++)
    {
      RbTemplateParameter *p = g_ptr_array_index (parameters, i);
      g_autofree char *default_text = format_json_value (p->default_value);
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, "  %s (%s", p->name, rb_cli_or_dash (p->type));
      if (p->array_of != NULL)
        g_string_append_printf (line, _(" of %s"), p->array_of);
      g_string_append (line, ")");
      g_string_append_printf (line, _(" default %s"), default_text);
      if (p->has_min)
        {
          g_autoptr(JsonNode) min = json_node_init_double (json_node_alloc (), p->min);
          g_autofree char *text = rb_json_to_compact (min);
          g_string_append_printf (line, _(", min %s"), text);
        }
      if (p->has_max)
        {
          g_autoptr(JsonNode) max = json_node_init_double (json_node_alloc (), p->max);
          g_autofree char *text = rb_json_to_compact (max);
          g_string_append_printf (line, _(", max %s"), text);
        }
      if (p->required)
        g_string_append (line, _(", required"));
      if (p->title != NULL)
        g_string_append_printf (line, " — %s", p->title);
      g_print ("%s\n", line->str);
    }
}

int
rb_cli_cmd_templates_show (RbCli  *cli,
                           int     argc,
                           char  **argv)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  g_autoptr(RbTemplate) template = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  RbBackend *backend;
  int status;

  status = rb_cli_parse_args (cli, "templates show", NULL, 0, argc, argv,
                              params, positional, NULL);
  if (status != 0)
    return status;
  if (positional->len == 0)
    return rb_cli_usage_error (_("'%s' needs a template id"), "templates show");
  if (positional->len > 1)
    return rb_cli_usage_error (_("unexpected argument '%s' for '%s'"),
                               (const char *) g_ptr_array_index (positional, 1), "templates show");

  backend = rb_cli_get_backend (cli);
  rb_backend_get_template_async (backend, g_ptr_array_index (positional, 0), NULL,
                                 rb_cli_store_result, &result);
  template = rb_backend_get_template_finish (backend, rb_cli_wait (&result), &error);
  if (template == NULL)
    return rb_cli_report_error (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) body = rb_template_to_json (template);
      rb_cli_print_json (body);
    }
  else
    {
      print_template (template);
    }
  return 0;
}

/*
 * run / replay: creating a run
 */

/* Prints the answer of POST /v1/runs (create_run / replay): the body with
 * --json, else a few short lines. */
static int
print_run_result (RbCli    *cli,
                  JsonNode *body)
{
  g_autoptr(RbRun) run = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  if (cli->json)
    {
      rb_cli_print_json (body);
      return 0;
    }

  object = json_node_get_object (body);
  if (rb_json_get_bool (object, "isDryRun", FALSE))
    {
      JsonObject *plan = NULL;
      JsonArray *files = NULL;
      JsonArray *warnings = NULL;

      plan = rb_json_get_object (object, "plan");
      if (plan != NULL)
        {
          files = rb_json_get_array (plan, "files");
          warnings = rb_json_get_array (plan, "warnings");
        }
      g_print (_("Dry run: would create run %s (%s, %s).\n"),
               rb_cli_or_dash (plan != NULL ? rb_json_get_string (plan, "runId") : NULL),
               rb_cli_or_dash (plan != NULL ? rb_json_get_string (plan, "templateId") : NULL),
               rb_cli_or_dash (plan != NULL ? rb_json_get_string (plan, "mode") : NULL));
      g_print (ngettext ("%u file would be written; nothing was written.\n",
                         "%u files would be written; nothing was written.\n",
                         files != NULL ? json_array_get_length (files) : 0),
               files != NULL ? json_array_get_length (files) : 0);
      for (guint i = 0; warnings != NULL && i < json_array_get_length (warnings); i++)
        {
          JsonNode *w = json_array_get_element (warnings, i);

          if (JSON_NODE_HOLDS_OBJECT (w))
            g_print (_("Warning: %s\n"),
                     rb_cli_or_dash (rb_json_get_string (json_node_get_object (w), "message")));
        }
      return 0;
    }

  run = rb_run_new_from_json (object, &error);
  if (run == NULL)
    return rb_cli_report_error (cli, error);
  if (rb_json_get_bool (object, "wasReused", FALSE))
    g_print (_("Reused run %s: a run with the same inputs exists.\n"),
             rb_cli_or_dash (rb_run_get_run_id (run)));
  else
    g_print (_("Created run %s (%s, %s).\n"),
             rb_cli_or_dash (rb_run_get_run_id (run)),
             rb_cli_or_dash (rb_run_get_template_id (run)),
             rb_cli_or_dash (rb_run_get_mode (run)));
  if (rb_run_get_warning_count (run) > 0)
    {
      GPtrArray *warnings = rb_run_get_warnings (run);

      for (guint i = 0; warnings != NULL && i < warnings->len; i++)
        {
          RbWarning *w = g_ptr_array_index (warnings, i);

          g_print (_("Warning: %s\n"), rb_cli_or_dash (w->message));
        }
    }
  return 0;
}

/* Waits for create_run / replay and prints its answer. */
static int
finish_run (RbCli        *cli,
            GAsyncResult **slot)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  RbBackend *backend = rb_cli_get_backend (cli);

  body = rb_backend_create_run_finish (backend, rb_cli_wait (slot), NULL, &error);
  g_clear_object (slot);
  if (body == NULL)
    return rb_cli_report_error (cli, error);
  return print_run_result (cli, body);
}

static const RbCliOption run_options[] = {
  { "--param",         NULL,              TRUE,  NULL,   TRUE },
  { "--params-file",   "paramsFile",      TRUE,  NULL,   FALSE },
  { "--seed",          "seed",            TRUE,  NULL,   FALSE },
  { "--mode",          "mode",            TRUE,  NULL,   FALSE },
  { "--from-run",      "sourceRunId",     TRUE,  NULL,   FALSE },
  { "--capture-key",   "captureKey",      TRUE,  NULL,   FALSE },
  { "--run-id",        "runId",           TRUE,  NULL,   FALSE },
  { "--deterministic", "deterministic",   FALSE, "true", FALSE },
  { "--overwrite",     "overwrite",       FALSE, "true", FALSE },
  { "--dry-run",       "dryRun",          FALSE, "true", FALSE },
};

/* VALUE of --param: JSON when it is valid JSON, else the text itself. */
static JsonNode *
param_value_node (const char *text)
{
  JsonNode *node = rb_json_parse (text, -1, "--param", NULL);

  if (node != NULL)
    return node;
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, text);
  return node;
}

/* The parameters object: --params-file first, then each --param over it.
 * Returns NULL with @error set (400 naming the file) or *usage_status set
 * (a malformed --param). */
static JsonObject *
build_parameters (RbCli       *cli,
                  const char  *params_file,
                  GPtrArray   *param_args,
                  int         *usage_status,
                  GError     **error)
{
  g_autoptr(JsonObject) parameters = NULL;

  if (params_file != NULL)
    {
      g_autofree char *display = g_path_get_basename (params_file);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(JsonNode) node = NULL;
      gsize len = 0;
      const char *data;

      bytes = rb_fs_read_file (params_file, display, PARAMS_FILE_MAX_SIZE, error);
      if (bytes == NULL)
        return NULL;
      data = g_bytes_get_data (bytes, &len);
      node = rb_json_parse (data != NULL ? data : "", len, display, error);
      if (node == NULL)
        return NULL;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "parameters",
                              "%s must hold a JSON object of parameter values.", display);
          return NULL;
        }
      parameters = json_object_ref (json_node_get_object (node));
    }
  else
    {
      parameters = json_object_new ();
    }

  for (guint i = 0; i < param_args->len; i++)
    {
      const char *arg = g_ptr_array_index (param_args, i);
      const char *eq = strchr (arg, '=');
      g_autofree char *name = NULL;

      if (eq == NULL || eq == arg)
        {
          *usage_status = rb_cli_usage_error (_("option '%s' needs NAME=VALUE, not '%s'"),
                                              "--param", arg);
          return NULL;
        }
      name = g_strndup (arg, eq - arg);
      json_object_set_member (parameters, name, param_value_node (eq + 1));
    }
  return g_steal_pointer (&parameters);
}

/* The POST /v1/runs body for the options of `run`. */
static JsonNode *
build_run_body (const char  *template_id,
                GHashTable  *params,
                JsonObject  *parameters)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *mode = g_hash_table_lookup (params, "mode");
  const char *seed = g_hash_table_lookup (params, "seed");
  const char *source_run_id = g_hash_table_lookup (params, "sourceRunId");
  const char *capture_key = g_hash_table_lookup (params, "captureKey");
  const char *run_id = g_hash_table_lookup (params, "runId");
  JsonNode *parameters_node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (parameters_node, parameters);

  json_builder_begin_object (builder);
  rb_json_add_string (builder, "templateId", template_id);
  rb_json_add_string (builder, "mode", mode != NULL ? mode : "simulation");
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_value (builder, parameters_node);
  if (seed != NULL)
    {
      gint64 value = 0;

      json_builder_set_member_name (builder, "rng");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "kind", "pcg32");
      /* not an integer: sent as text, so core rejects it naming rng.seed */
      if (g_ascii_string_to_signed (seed, 10, G_MININT64, G_MAXINT64, &value, NULL))
        rb_json_add_int (builder, "seed", value);
      else
        rb_json_add_string (builder, "seed", seed);
      json_builder_end_object (builder);
    }
  if (source_run_id != NULL || capture_key != NULL)
    {
      json_builder_set_member_name (builder, "telemetry");
      json_builder_begin_object (builder);
      if (source_run_id != NULL)
        rb_json_add_string (builder, "sourceRunId", source_run_id);
      if (capture_key != NULL)
        rb_json_add_string (builder, "captureKey", capture_key);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  rb_json_add_bool (builder, "dryRun", g_hash_table_contains (params, "dryRun"));
  rb_json_add_bool (builder, "deterministicRunId", g_hash_table_contains (params, "deterministic"));
  rb_json_add_string (builder, "runId", run_id);
  rb_json_add_bool (builder, "overwriteExisting", g_hash_table_contains (params, "overwrite"));
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

int
rb_cli_cmd_run (RbCli  *cli,
                int     argc,
                char  **argv)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  g_autoptr(GPtrArray) param_args = g_ptr_array_new ();
  g_autoptr(JsonObject) parameters = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  int status;

  status = rb_cli_parse_args (cli, "run", run_options, G_N_ELEMENTS (run_options),
                              argc, argv, params, positional, param_args);
  if (status != 0)
    return status;
  if (positional->len == 0)
    return rb_cli_usage_error (_("'%s' needs a template id"), "run");
  if (positional->len > 1)
    return rb_cli_usage_error (_("unexpected argument '%s' for '%s'"),
                               (const char *) g_ptr_array_index (positional, 1), "run");

  parameters = build_parameters (cli, g_hash_table_lookup (params, "paramsFile"),
                                 param_args, &status, &error);
  if (parameters == NULL)
    return status != 0 ? status : rb_cli_report_error (cli, error);

  body = build_run_body (g_ptr_array_index (positional, 0), params, parameters);
  rb_backend_create_run_async (rb_cli_get_backend (cli), body, NULL, rb_cli_store_result, &result);
  return finish_run (cli, &result);
}

static const RbCliOption replay_options[] = {
  { "--from",    "from",   TRUE,  NULL,   FALSE },
  { "--dry-run", "dryRun", FALSE, "true", FALSE },
};

int
rb_cli_cmd_replay (RbCli  *cli,
                   int     argc,
                   char  **argv)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  GAsyncResult *result = NULL;
  const char *from;
  int status;

  status = rb_cli_parse_args (cli, "replay", replay_options, G_N_ELEMENTS (replay_options),
                              argc, argv, params, positional, NULL);
  if (status != 0)
    return status;
  if (positional->len == 0)
    return rb_cli_usage_error (_("'%s' needs a run id"), "replay");
  if (positional->len > 1)
    return rb_cli_usage_error (_("unexpected argument '%s' for '%s'"),
                               (const char *) g_ptr_array_index (positional, 1), "replay");
  from = g_hash_table_lookup (params, "from");
  if (from == NULL)
    return rb_cli_usage_error (_("'%s' needs '--from model' or '--from telemetry'"), "replay");
  if (!g_str_equal (from, "model") && !g_str_equal (from, "telemetry"))
    return rb_cli_usage_error (_("'--from' takes 'model' or 'telemetry', not '%s'"), from);

  /* the run id is checked where the run is (core's replayOf rule) */
  rb_backend_replay_async (rb_cli_get_backend (cli), g_ptr_array_index (positional, 0), from,
                           g_hash_table_contains (params, "dryRun"), NULL,
                           rb_cli_store_result, &result);
  return finish_run (cli, &result);
}
