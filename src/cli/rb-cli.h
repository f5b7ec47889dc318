/* rb-cli.h — runboard-cli: options, commands and output
 *
 * The CLI maps a command line to core calls and core results to text or to
 * the exact JSON body the server would send (api.md "CLI"). It holds no rule
 * of its own: query validation, error bodies and exit statuses come from
 * core.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit status for a bad command line (api.md "Exit status": 2 usage). */
#define RB_CLI_EXIT_USAGE 2

/* Parses @argv (argv[0] is the program name), runs the command and returns
 * the process exit status. Output goes to stdout, diagnostics to stderr. */
int rb_cli_main (int    argc,
                 char **argv);

G_END_DECLS
