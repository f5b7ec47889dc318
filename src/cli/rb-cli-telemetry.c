/* rb-cli-telemetry.c — runboard-cli telemetry generate|list
 *
 * `telemetry generate` builds the POST /v1/telemetry/captures body from its
 * options and hands it to rb_capture_request_from_json(), so validation and
 * error bodies are core's, then maps the result like the server does:
 * generated 0, already exists 3 (the 409 body with --json), disabled 7.
 *
 * With --server the request goes to the server through RbBackend (the
 * server applies its own removal path and output roots).
 *
 * A local --directory DIR is the user's own choice of folder on their own
 * machine, so the CLI allows DIR's parent folder as the output root (the
 * server only allows the folders it was started with --allow-output-root).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "rb-cli-private.h"
#include "rb-error.h"
#include "rb-json.h"
#include "rb-telemetry.h"

static const RbCliOption generate_options[] = {
  { "--capture-key", "captureKey", TRUE,  NULL,   FALSE },
  { "--run-scoped",  "runScoped",  FALSE, "true", FALSE },
  { "--directory",   "directory",  TRUE,  NULL,   FALSE },
  { "--overwrite",   "overwrite",  FALSE, "true", FALSE },
  { "--gap-fill",    "gapFill",    TRUE,  NULL,   FALSE },
  { "--dry-run",     "dryRun",     FALSE, "true", FALSE },
};

/* The POST /v1/telemetry/captures body for the options of `generate`;
 * @directory is absolute (or NULL). */
static JsonNode *
build_capture_body (const char *run_id,
                    GHashTable *params,
                    const char *directory)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *gap_fill = g_hash_table_lookup (params, "gapFill");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "type", "run");
  rb_json_add_string (builder, "runId", run_id);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "output");
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "captureKey", g_hash_table_lookup (params, "captureKey"));
  rb_json_add_bool (builder, "runScoped", g_hash_table_contains (params, "runScoped"));
  rb_json_add_string (builder, "directory", directory);
  rb_json_add_bool (builder, "overwrite", g_hash_table_contains (params, "overwrite"));
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "gapFill", gap_fill != NULL ? gap_fill : "none");
  rb_json_add_bool (builder, "dryRun", g_hash_table_contains (params, "dryRun"));
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

typedef struct
{
  gboolean shown;
} Progress;

/* From the generating thread (here: the main thread), after each file. */
static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_printerr (_("\rCapturing series: %u of %u"), done, total);
  progress->shown = TRUE;
}

static void
print_warnings (GPtrArray *warnings)
{
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    {
      RbWarning *w = g_ptr_array_index (warnings, i);

      if (w->node_id != NULL)
        g_print (_("Warning (%s): %s\n"), w->node_id, rb_cli_or_dash (w->message));
      else
        g_print (_("Warning: %s\n"), rb_cli_or_dash (w->message));
    }
}

static void
print_capture_result (RbCaptureResult *result)
{
  const char *where = rb_capture_result_get_capture_directory (result);
  guint n_files = rb_capture_result_get_file_count (result);
  GPtrArray *warnings = rb_capture_result_get_warnings (result);
  guint n_warnings = warnings != NULL ? warnings->len : 0;

  if (where == NULL)
    where = _("the requested directory");

  if (rb_capture_result_is_dry_run (result))
    {
      g_print (ngettext ("Dry run: would write %u series file to %s; nothing was written.\n",
                         "Dry run: would write %u series files to %s; nothing was written.\n",
                         n_files),
               n_files, where);
      print_warnings (warnings);
      return;
    }

  g_print (_("Generated telemetry in %s from run %s: %u files, %u warnings.\n"),
           where, rb_cli_or_dash (rb_capture_result_get_source_run_id (result)),
           n_files, n_warnings);
  print_warnings (warnings);
}

/* --server: the server generates (and decides about the removal path: its
 * 403 comes back as an error); the answer is the api.md body. */
static int
generate_remote (RbCli    *cli,
                 JsonNode *body)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  RbBackend *backend = rb_cli_get_backend (cli);
  JsonObject *capture = NULL;
  guint http_status = 0;

  rb_backend_generate_telemetry_async (backend, body, NULL, rb_cli_store_result, &result);
  answer = rb_backend_generate_telemetry_finish (backend, rb_cli_wait (&result),
                                                 &http_status, &error);
  if (answer == NULL)
    return rb_cli_report_error (cli, error);

  if (cli->json)
    rb_cli_print_json (answer);
  if (JSON_NODE_HOLDS_OBJECT (answer))
    capture = rb_json_get_object (json_node_get_object (answer), "capture");

  if (http_status == 409)
    {
      if (!cli->json)
        g_printerr (_("%s: telemetry already exists in %s (generated %s from run %s); "
                      "use --overwrite to replace it.\n"),
                    RB_CLI_PROGRAM,
                    rb_cli_or_dash (capture ? rb_json_get_string (capture, "captureDirectory") : NULL),
                    rb_cli_or_dash (capture ? rb_json_get_string (capture, "generatedAtUtc") : NULL),
                    rb_cli_or_dash (capture ? rb_json_get_string (capture, "sourceRunId") : NULL));
      return rb_error_code_exit_status (RB_ERROR_ALREADY_EXISTS);
    }

  if (!cli->json && capture != NULL)
    {
      JsonArray *warnings = rb_json_get_array (capture, "warnings");
      const char *where = rb_json_get_string (capture, "captureDirectory");

      g_print (_("Generated telemetry in %s from run %s: %u files, %u warnings.\n"),
               where != NULL ? where : _("the requested directory"),
               rb_cli_or_dash (rb_json_get_string (capture, "sourceRunId")),
               (guint) rb_json_get_int (capture, "files", 0),
               warnings != NULL ? json_array_get_length (warnings) : 0);
    }
  else if (!cli->json)
    {
      g_print (_("Dry run: nothing was written.\n"));
    }
  return 0;
}

int
rb_cli_cmd_telemetry_generate (RbCli  *cli,
                               int     argc,
                               char  **argv)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(RbCaptureRequest) request = NULL;
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *directory_parent = NULL;
  const char *allowed[2] = { NULL, NULL };
  const char *directory_arg;
  Progress progress = { FALSE };
  gboolean show_progress;
  int status;

  status = rb_cli_parse_args (cli, "telemetry generate", generate_options,
                              G_N_ELEMENTS (generate_options), argc, argv,
                              params, positional, NULL);
  if (status != 0)
    return status;
  if (positional->len == 0)
    return rb_cli_usage_error (_("'%s' needs a run id"), "telemetry generate");
  if (positional->len > 1)
    return rb_cli_usage_error (_("unexpected argument '%s' for '%s'"),
                               (const char *) g_ptr_array_index (positional, 1),
                               "telemetry generate");

  if (cli->server_url != NULL)
    {
      /* the user names a folder on the server's machine: sent as given */
      body = build_capture_body (g_ptr_array_index (positional, 0), params,
                                 g_hash_table_lookup (params, "directory"));
      return generate_remote (cli, body);
    }

  /* the removal path: refused before anything else, like the server's 403 */
  if (rb_telemetry_generation_disabled ())
    {
      rb_telemetry_set_disabled_error (&error);
      return rb_cli_report_error (cli, error);
    }

  directory_arg = g_hash_table_lookup (params, "directory");
  if (directory_arg != NULL && *directory_arg != '\0')
    {
      g_autofree char *cwd = g_get_current_dir ();
      g_autoptr(GFile) file = g_file_new_for_commandline_arg_and_cwd (directory_arg, cwd);

      directory = g_file_get_path (file);
      directory_parent = directory != NULL ? g_path_get_dirname (directory) : NULL;
      allowed[0] = directory_parent;
    }
  else if (directory_arg != NULL)
    {
      /* an empty value: let core name the field */
      directory = g_strdup (directory_arg);
    }

  body = build_capture_body (g_ptr_array_index (positional, 0), params, directory);
  request = rb_capture_request_from_json (body, &error);
  if (request == NULL || !rb_cli_ensure_store (cli, &error))
    return rb_cli_report_error (cli, error);

  show_progress = !cli->json && isatty (STDERR_FILENO);
  result = rb_telemetry_generate (cli->data_dir, allowed[0] != NULL ? allowed : NULL, request,
                                  show_progress ? progress_cb : NULL, &progress,
                                  NULL, &error);
  if (progress.shown)
    g_printerr ("\n");
  if (result == NULL)
    return rb_cli_report_error (cli, error);

  if (rb_capture_result_get_already_exists (result))
    {
      if (cli->json)
        {
          g_autoptr(JsonNode) conflict = rb_capture_result_to_json (result);
          rb_cli_print_json (conflict);
        }
      else
        {
          g_printerr (_("%s: telemetry already exists in %s (generated %s from run %s); "
                        "use --overwrite to replace it.\n"),
                      RB_CLI_PROGRAM,
                      rb_cli_or_dash (rb_capture_result_get_capture_directory (result)),
                      rb_cli_or_dash (rb_capture_result_get_generated_at (result)),
                      rb_cli_or_dash (rb_capture_result_get_source_run_id (result)));
        }
      return rb_error_code_exit_status (RB_ERROR_ALREADY_EXISTS);
    }

  if (cli->json)
    {
      g_autoptr(JsonNode) ok = rb_capture_result_to_json (result);
      rb_cli_print_json (ok);
    }
  else
    {
      print_capture_result (result);
    }
  return 0;
}

int
rb_cli_cmd_telemetry_list (RbCli  *cli,
                           int     argc,
                           char  **argv)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  RbBackend *backend;
  JsonArray *items = NULL;
  int status;

  status = rb_cli_parse_args (cli, "telemetry list", NULL, 0, argc, argv,
                              params, positional, NULL);
  if (status != 0)
    return status;
  if (positional->len > 0)
    return rb_cli_usage_error (_("unexpected argument '%s' for '%s'"),
                               (const char *) g_ptr_array_index (positional, 0), "telemetry list");

  backend = rb_cli_get_backend (cli);
  rb_backend_list_captures_async (backend, NULL, rb_cli_store_result, &result);
  body = rb_backend_list_captures_finish (backend, rb_cli_wait (&result), &error);
  if (body == NULL)
    return rb_cli_report_error (cli, error);

  if (cli->json)
    {
      rb_cli_print_json (body);
      return 0;
    }

  if (JSON_NODE_HOLDS_OBJECT (body))
    items = rb_json_get_array (json_node_get_object (body), "items");
  if (items == NULL || json_array_get_length (items) == 0)
    {
      g_print (_("No telemetry bundles.\n"));
      return 0;
    }
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item;
      const char *key;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      item = json_node_get_object (node);
      key = rb_json_get_string (item, "captureKey");
      g_print (_("%s  from run %s (%s), generated %s, %u warnings\n"),
               key != NULL ? key : _("(run-scoped)"),
               rb_cli_or_dash (rb_json_get_string (item, "sourceRunId")),
               rb_cli_or_dash (rb_json_get_string (item, "templateId")),
               rb_cli_or_dash (rb_json_get_string (item, "generatedAtUtc")),
               (guint) rb_json_get_int (item, "warningCount", 0));
    }
  return 0;
}
