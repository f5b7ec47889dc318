/* rb-cli-private.h — what the runboard-cli command files share
 *
 * rb-cli.c holds the option parser, output helpers, dispatch and the runs
 * commands; rb-cli-runs.c the templates/run/replay commands;
 * rb-cli-telemetry.c the telemetry commands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "rb-backend.h"
#include "rb-run-store.h"

G_BEGIN_DECLS

#define RB_CLI_PROGRAM "runboard-cli"

typedef struct
{
  /* Global options */
  char       *data_dir_option;
  char       *server_url;
  char       *token_file;

  /* Per command */
  gboolean    json;

  /* Owned */
  char       *data_dir;
  char       *token;
  RbRunStore *store;
  RbBackend  *backend;
} RbCli;

/* A command option that becomes an api.md query parameter (or, with a NULL
 * @param, a CLI-only switch handled by the command). A @repeatable option
 * collects every value, in order, in the @repeated array of
 * rb_cli_parse_args() instead of @params. */
typedef struct
{
  const char *name;          /* "--mode" */
  const char *param;         /* "mode" */
  gboolean    takes_value;
  const char *flag_value;    /* value stored for a switch */
  gboolean    repeatable;
} RbCliOption;

int         rb_cli_usage_error (const char *format,
                                ...) G_GNUC_PRINTF (1, 2);
void        rb_cli_print_json  (JsonNode     *node);
int         rb_cli_report_error (RbCli        *cli,
                                 const GError *error);
const char *rb_cli_or_dash     (const char   *value);
int         rb_cli_parse_args  (RbCli              *cli,
                                const char         *command,
                                const RbCliOption  *options,
                                guint               n_options,
                                int                 argc,
                                char              **argv,
                                GHashTable         *params,
                                GPtrArray          *positional,
                                GPtrArray          *repeated);
/* Resolves the data folder (cli->data_dir) and opens the run store. */
gboolean    rb_cli_ensure_store (RbCli   *cli,
                                 GError **error);

/* The backend every command talks to: a RbRemoteBackend for --server,
 * else a RbLocalBackend on the data folder. */
RbBackend  *rb_cli_get_backend  (RbCli   *cli);
/* Iterates the default main context until *@slot holds a result; pass
 * rb_cli_store_result and @slot as an async call's callback and data.
 * Returns *@slot (owned by the caller). */
GAsyncResult *rb_cli_wait       (GAsyncResult **slot);
void        rb_cli_store_result (GObject       *source,
                                 GAsyncResult  *result,
                                 gpointer       user_data);

/* rb-cli-runs.c */
int rb_cli_cmd_templates_list (RbCli  *cli,
                               int     argc,
                               char  **argv);
int rb_cli_cmd_templates_show (RbCli  *cli,
                               int     argc,
                               char  **argv);
int rb_cli_cmd_run (RbCli  *cli,
                    int     argc,
                    char  **argv);
int rb_cli_cmd_replay (RbCli  *cli,
                       int     argc,
                       char  **argv);

/* rb-cli-telemetry.c */
int rb_cli_cmd_telemetry_generate (RbCli  *cli,
                                   int     argc,
                                   char  **argv);
int rb_cli_cmd_telemetry_list (RbCli  *cli,
                               int     argc,
                               char  **argv);

G_END_DECLS
