/* main.c — runboard-cli entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "runboard-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "rb-cli.h"

/* Core's lifecycle lines (g_message, e.g. "Telemetry generation
 * started: …") are for server logs; the CLI says what happened in its own
 * words, so they show only when G_MESSAGES_DEBUG asks for them. */
static void
quiet_messages (const char     *log_domain,
                GLogLevelFlags  log_level,
                const char     *message,
                gpointer        user_data)
{
  const char *debug = g_getenv ("G_MESSAGES_DEBUG");

  if (debug != NULL && (strstr (debug, "all") != NULL ||
                        (log_domain != NULL && strstr (debug, log_domain) != NULL)))
    g_log_default_handler (log_domain, log_level, message, user_data);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_log_set_handler (NULL, G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO, quiet_messages, NULL);
  g_log_set_handler ("rb-telemetry", G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO, quiet_messages, NULL);
  g_log_set_handler ("rb-orchestrator", G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO, quiet_messages, NULL);
  return rb_cli_main (argc, argv);
}
