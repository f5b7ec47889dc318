/* rb-cli.c — runboard-cli: options, commands and output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rb-cli.h"
#include "rb-cli-private.h"
#include "rb-data-dir.h"
#include "rb-error.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-local-backend.h"
#include "rb-remote-backend.h"
#include "rb-run-store.h"

typedef int (*RbCliCommandFunc) (RbCli  *cli,
                                 int     argc,
                                 char  **argv);

typedef struct
{
  const char       *group;
  const char       *name;
  RbCliCommandFunc  func;
  const char       *usage;
} RbCliCommand;

/* The command list is the usage of each entry of the command table. */
static const char global_usage_head[] =
  N_("Usage: runboard-cli [--data-dir DIR | --server URL [--token-file F]] COMMAND ...\n"
     "\n"
     "Commands:\n");

static const char global_usage_tail[] =
  N_("\n"
     "Options:\n"
     "  --data-dir DIR     use the data folder DIR (default: RUNBOARD_DATA_DIR, the\n"
     "                     data-directory setting, then $XDG_DATA_HOME/runboard)\n"
     "  --server URL       talk to a Runboard server instead of a local data folder\n"
     "  --token-file F     bearer token for --server, read from the file F\n"
     "  --json             print the API's JSON body (also for errors) on stdout\n"
     "  --help             show this help\n"
     "  --version          show the version\n");

static void
rb_cli_clear (RbCli *cli)
{
  g_clear_pointer (&cli->data_dir_option, g_free);
  g_clear_pointer (&cli->server_url, g_free);
  g_clear_pointer (&cli->token_file, g_free);
  g_clear_pointer (&cli->data_dir, g_free);
  g_clear_pointer (&cli->token, g_free);
  g_clear_object (&cli->backend);
  g_clear_object (&cli->store);
}

/*
 * Output
 */

int
rb_cli_usage_error (const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", RB_CLI_PROGRAM, message);
  g_printerr (_("Try '%s --help' for more information.\n"), RB_CLI_PROGRAM);
  return RB_CLI_EXIT_USAGE;
}

void
rb_cli_print_json (JsonNode *node)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  data = rb_json_to_data (node, &len);
  fwrite (data, 1, len, stdout);
  fflush (stdout);
}

/* Reports @error like the server would: with --json, the error body on
 * stdout; otherwise its sentence on stderr. Returns the exit status. */
int
rb_cli_report_error (RbCli        *cli,
                     const GError *error)
{
  if (cli->json)
    {
      g_autoptr(JsonNode) body = rb_error_to_json (error);
      rb_cli_print_json (body);
    }
  else if (error->domain == RB_ERROR)
    {
      g_printerr ("%s: %s\n", RB_CLI_PROGRAM, error->message);
    }
  else
    {
      g_printerr (_("%s: internal error: %s\n"), RB_CLI_PROGRAM, error->message);
    }
  return rb_error_code_exit_status (rb_error_get_code (error));
}

const char *
rb_cli_or_dash (const char *value)
{
  return value != NULL && *value != '\0' ? value : "-";
}

/* "2026-01-01T10:15:30.123Z" → "2026-01-01 10:15" for a table cell. */
static char *
format_created_short (const char *created_utc)
{
  char *text;

  if (created_utc == NULL || strlen (created_utc) < 16)
    return g_strdup (rb_cli_or_dash (created_utc));
  text = g_strndup (created_utc, 16);
  if (text[10] == 'T')
    text[10] = ' ';
  return text;
}

/* At most @max characters; longer text ends with "…". */
static char *
ellipsize (const char *text,
           glong       max)
{
  g_autofree char *head = NULL;

  if (g_utf8_strlen (text, -1) <= max)
    return g_strdup (text);
  head = g_utf8_substring (text, 0, max - 1);
  return g_strconcat (head, "…", NULL);
}

static void
append_cell (GString    *line,
             const char *text,
             glong       width)
{
  glong len = g_utf8_strlen (text, -1);

  g_string_append (line, text);
  for (glong i = len; i < width; i++)
    g_string_append_c (line, ' ');
}

/*
 * Option parsing
 */

static gboolean
option_matches (const char  *arg,
                const char  *name,
                const char **inline_value)
{
  gsize name_len = strlen (name);

  if (strncmp (arg, name, name_len) != 0)
    return FALSE;
  if (arg[name_len] == '\0')
    {
      *inline_value = NULL;
      return TRUE;
    }
  if (arg[name_len] == '=')
    {
      *inline_value = arg + name_len + 1;
      return TRUE;
    }
  return FALSE;
}

/* Reads one command's arguments: options in @options become entries of
 * @params (repeatable ones are appended to @repeated), "--json" sets
 * cli->json, anything else not starting with "-" is collected in
 * @positional. Returns 0, or an exit status after printing a usage error. */
int
rb_cli_parse_args (RbCli              *cli,
                   const char         *command,
                   const RbCliOption  *options,
                   guint               n_options,
                   int                 argc,
                   char              **argv,
                   GHashTable         *params,
                   GPtrArray          *positional,
                   GPtrArray          *repeated)
{
  gboolean only_positional = FALSE;

  for (int i = 0; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *value = NULL;
      gboolean matched = FALSE;

      if (only_positional || arg[0] != '-' || g_str_equal (arg, "-"))
        {
          g_ptr_array_add (positional, (gpointer) arg);
          continue;
        }
      if (g_str_equal (arg, "--"))
        {
          only_positional = TRUE;
          continue;
        }
      if (option_matches (arg, "--json", &value))
        {
          if (value != NULL)
            return rb_cli_usage_error (_("option '%s' takes no value"), "--json");
          cli->json = TRUE;
          continue;
        }
      for (guint j = 0; j < n_options && !matched; j++)
        {
          const RbCliOption *opt = &options[j];

          if (!option_matches (arg, opt->name, &value))
            continue;
          matched = TRUE;
          if (!opt->takes_value)
            {
              if (value != NULL)
                return rb_cli_usage_error (_("option '%s' takes no value"), opt->name);
              value = opt->flag_value;
            }
          else if (value == NULL)
            {
              if (i + 1 >= argc)
                return rb_cli_usage_error (_("option '%s' needs a value"), opt->name);
              value = argv[++i];
            }
          if (opt->repeatable && repeated != NULL)
            g_ptr_array_add (repeated, (gpointer) value);
          else
            g_hash_table_replace (params, g_strdup (opt->param), g_strdup (value));
        }
      if (!matched)
        return rb_cli_usage_error (_("unknown option '%s' for '%s'"), arg, command);
    }
  return 0;
}

gboolean
rb_cli_ensure_store (RbCli   *cli,
                     GError **error)
{
  if (cli->store != NULL)
    return TRUE;
  cli->data_dir = rb_data_dir_resolve (cli->data_dir_option);
  cli->store = rb_run_store_new (cli->data_dir);
  return TRUE;
}

RbBackend *
rb_cli_get_backend (RbCli *cli)
{
  if (cli->backend != NULL)
    return cli->backend;
  if (cli->server_url != NULL)
    {
      RbRemoteBackend *remote = rb_remote_backend_new (cli->server_url, cli->token);

      /* one command, no change notification */
      g_object_set (remote, "poll-interval-ms", 0, NULL);
      cli->backend = RB_BACKEND (remote);
    }
  else
    {
      rb_cli_ensure_store (cli, NULL);
      cli->backend = RB_BACKEND (rb_local_backend_new (cli->data_dir));
    }
  return cli->backend;
}

void
rb_cli_store_result (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
rb_cli_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The --token-file's contents, trimmed; NULL after a usage error. */
static char *
read_token_file (const char *path,
                 int        *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    {
      *status = rb_cli_usage_error (_("cannot read the token file '%s': %s"), path, error->message);
      return NULL;
    }
  g_strstrip (contents);
  if (*contents == '\0')
    {
      *status = rb_cli_usage_error (_("the token file '%s' is empty"), path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

/*
 * runs list
 */

static const RbCliOption runs_list_options[] = {
  { "--mode",         "mode",        TRUE,  NULL },
  { "--template",     "templateId",  TRUE,  NULL },
  { "--telemetry",    "telemetry",   TRUE,  NULL },
  { "--has-warnings", "hasWarnings", FALSE, "true" },
  { "--search",       "search",      TRUE,  NULL },
  { "--sort",         "sort",        TRUE,  NULL },
  { "--order",        "order",       TRUE,  NULL },
  { "--page",         "page",        TRUE,  NULL },
  { "--page-size",    "pageSize",    TRUE,  NULL },
};

static void
print_runs_table (GPtrArray        *runs,
                  guint             total_count,
                  const RbRunQuery *query)
{
  static const char *header_names[] = { N_("RUN"), N_("TEMPLATE"), N_("MODE"), N_("CREATED"), N_("WARNINGS"), N_("TELEMETRY") };
  const char *headers[G_N_ELEMENTS (header_names)];
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  glong widths[G_N_ELEMENTS (headers)];
  guint n_broken = 0;

  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    headers[c] = _(header_names[c]);

  if (runs->len == 0)
    {
      if (total_count == 0)
        g_print (_("No runs.\n"));
      else
        g_print (_("No runs on page %u (%u runs in all).\n"), query->page, total_count);
      return;
    }

  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    widths[c] = g_utf8_strlen (headers[c], -1);

  for (guint i = 0; i < runs->len; i++)
    {
      RbRun *run = g_ptr_array_index (runs, i);
      const RbTelemetrySummary *telemetry = rb_run_get_telemetry (run);
      const char *title = rb_run_get_template_title (run);
      char **row = g_new0 (char *, G_N_ELEMENTS (headers) + 1);

      if (rb_run_get_diagnostic (run) != NULL)
        {
          n_broken++;
          title = _("(unreadable)");
        }
      else if (title == NULL)
        title = rb_run_get_template_id (run);

      row[0] = ellipsize (rb_cli_or_dash (rb_run_get_run_id (run)), 40);
      row[1] = ellipsize (rb_cli_or_dash (title), 32);
      row[2] = g_strdup (rb_cli_or_dash (rb_run_get_mode (run)));
      row[3] = format_created_short (rb_run_get_created_utc (run));
      row[4] = g_strdup_printf ("%u", rb_run_get_warning_count (run));
      row[5] = g_strdup (telemetry != NULL && telemetry->available ? _("available") : _("missing"));
      for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
        widths[c] = MAX (widths[c], g_utf8_strlen (row[c], -1));
      g_ptr_array_add (rows, row);
    }

  for (guint i = 0; i <= rows->len; i++)
    {
      g_autoptr(GString) line = g_string_new (NULL);
      const char * const *cells = i == 0 ? headers : g_ptr_array_index (rows, i - 1);

      for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
        {
          gboolean last = c + 1 == G_N_ELEMENTS (headers);
          append_cell (line, cells[c], last ? 0 : widths[c] + 2);
        }
      g_print ("%s\n", line->str);
    }

  if (total_count > runs->len)
    {
      guint first = (query->page - 1) * query->page_size + 1;
      g_print (_("\nRuns %u–%u of %u (page %u).\n"),
               first, first + runs->len - 1, total_count, query->page);
    }

  if (n_broken > 0)
    {
      g_print ("\n");
      for (guint i = 0; i < runs->len; i++)
        {
          RbRun *run = g_ptr_array_index (runs, i);

          if (rb_run_get_diagnostic (run) != NULL)
            g_print ("%s: %s\n", rb_cli_or_dash (rb_run_get_run_id (run)), rb_run_get_diagnostic (run));
        }
    }
}

static int
cmd_runs_list (RbCli  *cli,
               int     argc,
               char  **argv)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) body = NULL;
  RbBackend *backend;
  JsonObject *page;
  JsonArray *items;
  RbRunQuery query;
  guint total_count = 0;
  int status;

  status = rb_cli_parse_args (cli, "runs list", runs_list_options,
                              G_N_ELEMENTS (runs_list_options), argc, argv,
                              params, positional, NULL);
  if (status != 0)
    return status;
  if (positional->len > 0)
    return rb_cli_usage_error (_("unexpected argument '%s' for '%s'"),
                               (const char *) g_ptr_array_index (positional, 0), "runs list");

  backend = rb_cli_get_backend (cli);
  rb_backend_list_runs_page_async (backend, params, NULL, rb_cli_store_result, &result);
  body = rb_backend_list_runs_page_finish (backend, rb_cli_wait (&result), &error);
  if (body == NULL)
    return rb_cli_report_error (cli, error);

  if (cli->json)
    {
      rb_cli_print_json (body);
      return 0;
    }

  page = json_node_get_object (body);
  items = rb_json_get_array (page, "items");
  runs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);
      RbRun *run = NULL;

      if (JSON_NODE_HOLDS_OBJECT (item))
        run = rb_run_new_from_json (json_node_get_object (item), &error);
      if (run == NULL)
        return rb_cli_report_error (cli, error);
      g_ptr_array_add (runs, run);
    }
  rb_run_query_init (&query);
  query.page = (guint) rb_json_get_int (page, "page", 1);
  query.page_size = (guint) rb_json_get_int (page, "pageSize", RB_RUN_QUERY_DEFAULT_PAGE_SIZE);
  total_count = (guint) rb_json_get_int (page, "totalCount", runs->len);
  print_runs_table (runs, total_count, &query);
  rb_run_query_clear (&query);
  return 0;
}

/*
 * runs show
 */

static void
print_field (const char *label,
             const char *value)
{
  g_print ("%-12s%s\n", label, rb_cli_or_dash (value));
}

static char *
format_bins (GArray *bins)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; bins != NULL && i < bins->len; i++)
    g_string_append_printf (text, "%s%d", i > 0 ? ", " : "", g_array_index (bins, int, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
print_run_warnings (RbRun *run)
{
  GPtrArray *warnings = rb_run_get_warnings (run);

  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    {
      RbWarning *w = g_ptr_array_index (warnings, i);
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, "  - %s: %s", rb_cli_or_dash (w->code), rb_cli_or_dash (w->message));
      if (w->node_id != NULL)
        g_string_append_printf (line, _(" (node %s)"), w->node_id);
      if (w->bins != NULL && w->bins->len > 0)
        {
          g_autofree char *bins = format_bins (w->bins);
          g_string_append_printf (line, _(" [bins %s]"), bins);
        }
      g_print ("%s\n", line->str);
    }
}

static void
print_run_telemetry (RbRun *run)
{
  const RbTelemetrySummary *telemetry = rb_run_get_telemetry (run);
  g_autoptr(GString) text = g_string_new (NULL);

  if (telemetry == NULL || !telemetry->available)
    {
      print_field (_("Telemetry:"), _("missing"));
      return;
    }
  g_string_append (text, _("available"));
  if (telemetry->capture_key != NULL)
    g_string_append_printf (text, _(", capture key %s"), telemetry->capture_key);
  else
    g_string_append (text, _(", run-scoped"));
  if (telemetry->generated_at_utc != NULL)
    g_string_append_printf (text, _(", generated %s"), telemetry->generated_at_utc);
  g_string_append (text, ", ");
  g_string_append_printf (text, ngettext ("%u warning", "%u warnings", telemetry->warning_count),
                          telemetry->warning_count);
  print_field (_("Telemetry:"), text->str);
}

static void
print_run_parameters (RbRun *run)
{
  JsonObject *parameters = rb_run_get_parameters (run);
  g_autoptr(GList) names = NULL;

  if (parameters == NULL || json_object_get_size (parameters) == 0)
    return;
  g_print (_("Parameters:\n"));
  names = json_object_get_members (parameters);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autoptr(JsonNode) value = json_node_copy (json_object_get_member (parameters, l->data));
      g_autofree char *compact = rb_json_to_compact (value);

      g_print ("  %s = %s\n", (const char *) l->data, compact);
    }
}

static void
print_run_topology (RbRun *run)
{
  GPtrArray *nodes = rb_run_get_topology (run);

  if (nodes == NULL || nodes->len == 0)
    return;
  g_print (_("Topology:\n"));
  for (guint i = 0; i < nodes->len; i++)
    {
      RbTopologyNode *node = g_ptr_array_index (nodes, i);
      g_autoptr(GString) line = g_string_new (NULL);
      gboolean first = TRUE;

      g_string_append_printf (line, "  %s (%s)", rb_cli_or_dash (node->id), rb_cli_or_dash (node->kind));
      for (guint m = 0; m < RB_N_METRICS; m++)
        {
          if (node->metrics[m] == NULL)
            continue;
          g_string_append_printf (line, "%s%s=%s", first ? ": " : ", ",
                                  rb_metric_to_key (m), node->metrics[m]);
          first = FALSE;
        }
      g_print ("%s\n", line->str);
    }
}

static void
print_run_detail (RbRun *run)
{
  g_autofree char *template = NULL;
  g_autofree char *grid = NULL;
  g_autofree char *rng = NULL;
  g_autofree char *source = NULL;
  g_autofree char *warnings = NULL;

  template = g_strdup_printf ("%s (%s %s)",
                              rb_cli_or_dash (rb_run_get_template_title (run)),
                              rb_cli_or_dash (rb_run_get_template_id (run)),
                              rb_cli_or_dash (rb_run_get_template_version (run)));
  if (rb_run_get_has_grid (run))
    grid = g_strdup_printf (_("%u bins of %u %s"), rb_run_get_bins (run),
                            rb_run_get_bin_size (run), rb_cli_or_dash (rb_run_get_bin_unit (run)));
  if (rb_run_get_has_rng (run))
    rng = g_strdup_printf (_("%s, seed %" G_GINT64_FORMAT),
                           rb_cli_or_dash (rb_run_get_rng_kind (run)), rb_run_get_rng_seed (run));
  if (rb_run_get_source_run_id (run) != NULL)
    source = g_strdup_printf (_("replay of %s from %s"), rb_run_get_source_run_id (run),
                              rb_cli_or_dash (rb_run_get_source_kind (run)));
  warnings = g_strdup_printf ("%u", rb_run_get_warning_count (run));

  print_field (_("Run:"), rb_run_get_run_id (run));
  print_field (_("Template:"), template);
  print_field (_("Mode:"), rb_run_get_mode (run));
  print_field (_("Created:"), rb_run_get_created_utc (run));
  print_field (_("Grid:"), grid);
  print_field (_("RNG:"), rng);
  if (source != NULL)
    print_field (_("Source:"), source);
  print_run_telemetry (run);
  print_field (_("Input hash:"), rb_run_get_input_hash (run));
  print_field ("Can replay:", rb_run_get_can_replay (run) ? _("yes") : _("no"));
  print_field (_("Warnings:"), warnings);
  print_run_warnings (run);
  print_run_parameters (run);
  print_run_topology (run);
}

static int
cmd_runs_show (RbCli  *cli,
               int     argc,
               char  **argv)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  g_autoptr(RbRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  RbBackend *backend;
  const char *run_id;
  int status;

  status = rb_cli_parse_args (cli, "runs show", NULL, 0, argc, argv, params, positional, NULL);
  if (status != 0)
    return status;
  if (positional->len == 0)
    return rb_cli_usage_error (_("'%s' needs a run id"), "runs show");
  if (positional->len > 1)
    return rb_cli_usage_error (_("unexpected argument '%s' for '%s'"),
                               (const char *) g_ptr_array_index (positional, 1), "runs show");
  run_id = g_ptr_array_index (positional, 0);

  backend = rb_cli_get_backend (cli);
  rb_backend_get_run_async (backend, run_id, NULL, rb_cli_store_result, &result);
  run = rb_backend_get_run_finish (backend, rb_cli_wait (&result), &error);
  if (run == NULL)
    return rb_cli_report_error (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) body = rb_run_to_detail_json (run);
      rb_cli_print_json (body);
    }
  else
    {
      print_run_detail (run);
    }
  return 0;
}

/*
 * Dispatch
 */

/* @name NULL: a one-word command ("run", "replay"). */
static const RbCliCommand commands[] = {
  { "runs", "list", cmd_runs_list,
    "runs list [--mode M] [--template ID] [--telemetry available|missing] [--has-warnings]\n"
    "          [--search TEXT] [--sort created|template] [--order asc|desc]\n"
    "          [--page N] [--page-size N] [--json]" },
  { "runs", "show", cmd_runs_show, "runs show RUN [--json]" },
  { "templates", "list", rb_cli_cmd_templates_list, "templates list [--json]" },
  { "templates", "show", rb_cli_cmd_templates_show, "templates show ID [--json]" },
  { "run", NULL, rb_cli_cmd_run,
    "run TEMPLATE [--param NAME=VALUE]... [--params-file F.json] [--seed N]\n"
    "          [--mode simulation|telemetry] [--from-run RUN | --capture-key KEY]\n"
    "          [--run-id ID] [--deterministic] [--overwrite] [--dry-run] [--json]" },
  { "replay", NULL, rb_cli_cmd_replay, "replay RUN --from model|telemetry [--dry-run] [--json]" },
  { "telemetry", "generate", rb_cli_cmd_telemetry_generate,
    "telemetry generate RUN [--capture-key KEY | --run-scoped | --directory DIR]\n"
    "          [--overwrite] [--gap-fill none|zero] [--dry-run] [--json]" },
  { "telemetry", "list", rb_cli_cmd_telemetry_list, "telemetry list [--json]" },
};

static void
print_global_usage (void)
{
  g_print ("%s", _(global_usage_head));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(GStrv) lines = g_strsplit (commands[i].usage, "\n", -1);

      for (guint j = 0; lines[j] != NULL; j++)
        g_print ("  %s\n", lines[j]);
    }
  g_print ("%s", _(global_usage_tail));
}

static gboolean
wants_help (int    argc,
            char **argv)
{
  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        return FALSE;
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        return TRUE;
    }
  return FALSE;
}

static int
dispatch (RbCli  *cli,
          int     argc,
          char  **argv)
{
  gboolean group_known = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const RbCliCommand *cmd = &commands[i];
      int skip = cmd->name != NULL ? 2 : 1;

      if (!g_str_equal (argv[0], cmd->group))
        continue;
      group_known = TRUE;
      if (cmd->name != NULL && (argc < 2 || !g_str_equal (argv[1], cmd->name)))
        continue;
      if (wants_help (argc - skip, argv + skip))
        {
          g_print (_("Usage: %s [GLOBAL OPTIONS] %s\n"), RB_CLI_PROGRAM, cmd->usage);
          return 0;
        }
      return cmd->func (cli, argc - skip, argv + skip);
    }

  if (!group_known)
    return rb_cli_usage_error (_("unknown command '%s'"), argv[0]);
  if (argc < 2)
    return rb_cli_usage_error (_("'%s' needs a subcommand"), argv[0]);
  return rb_cli_usage_error (_("unknown command '%s %s'"), argv[0], argv[1]);
}

/* Global options, up to the first word that is not one. Returns the index
 * of the command word, or a negative exit status (-1 - status). */
static int
parse_global_options (RbCli  *cli,
                      int     argc,
                      char  **argv)
{
  int i;

  for (i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *value = NULL;
      char **target = NULL;
      const char *name = NULL;

      if (arg[0] != '-')
        break;
      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          print_global_usage ();
          return -1;
        }
      if (g_str_equal (arg, "--version"))
        {
          g_print ("%s %s\n", RB_CLI_PROGRAM, PACKAGE_VERSION);
          return -1;
        }
      if (option_matches (arg, "--data-dir", &value))
        {
          target = &cli->data_dir_option;
          name = "--data-dir";
        }
      else if (option_matches (arg, "--server", &value))
        {
          target = &cli->server_url;
          name = "--server";
        }
      else if (option_matches (arg, "--token-file", &value))
        {
          target = &cli->token_file;
          name = "--token-file";
        }
      else
        {
          return -1 - rb_cli_usage_error (_("unknown option '%s'"), arg);
        }

      if (value == NULL)
        {
          if (i + 1 >= argc)
            return -1 - rb_cli_usage_error (_("option '%s' needs a value"), name);
          value = argv[++i];
        }
      if (*value == '\0')
        return -1 - rb_cli_usage_error (_("option '%s' needs a non-empty value"), name);
      g_free (*target);
      *target = g_strdup (value);
    }
  return i;
}

int
rb_cli_main (int    argc,
             char **argv)
{
  RbCli cli = { 0 };
  int command_index;
  int status;

  command_index = parse_global_options (&cli, argc, argv);
  if (command_index < 0)
    {
      rb_cli_clear (&cli);
      return -1 - command_index;
    }

  if (cli.data_dir_option != NULL && cli.server_url != NULL)
    status = rb_cli_usage_error (_("use either '--data-dir' or '--server', not both"));
  else if (cli.token_file != NULL && cli.server_url == NULL)
    status = rb_cli_usage_error ("'--token-file' only applies with '--server'");
  else if (command_index >= argc)
    status = rb_cli_usage_error (_("no command given"));
  else if (cli.token_file != NULL &&
           (cli.token = read_token_file (cli.token_file, &status)) == NULL)
    ;
  else
    status = dispatch (&cli, argc - command_index, argv + command_index);

  rb_cli_clear (&cli);
  return status;
}
